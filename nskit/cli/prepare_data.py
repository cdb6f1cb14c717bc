"""`ns prepare_data`: download (or take from a mirror), verify and convert benchmarks into `<data_dir>/<name>/`."""

from __future__ import annotations

from typing import Annotated

import typer

from nskit.cli import where
from nskit.cli.options import DataDir, Mirror, Split


def register(app: typer.Typer) -> None:
    """Add the `prepare_data` command to `app`."""

    @app.command("prepare_data")
    def prepare_data(
        ctx: typer.Context,
        names: Annotated[
            list[str] | None,
            typer.Argument(
                help="benchmarks or groups (math-suite, word-problems, all); see --list", show_default=False
            ),
        ] = None,
        data_dir: DataDir = None,
        mirror: Mirror = None,
        split: Split = None,
        list_: Annotated[
            bool, typer.Option("--list", help="show every benchmark with size and source, then exit")
        ] = False,
        cluster: where.Cluster = None,
        config_dir: where.ConfigDir = None,
    ) -> None:
        """Prepare benchmarks as <data_dir>/<name>/<split>.jsonl (id, problem, expected_answer, metadata).

        Sources are pinned by checksum; a file whose content would not change is left untouched.
        """
        if where.submitted(ctx, cluster, config_dir):
            return
        from nskit.datasets.command import prepare_many, print_catalogue

        if list_:
            print_catalogue()
            return
        if not names:
            raise typer.BadParameter("name at least one benchmark or group (see --list)", param_hint="NAMES")
        raise typer.Exit(prepare_many(names, data_dir, mirror, split=split))

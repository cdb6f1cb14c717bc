"""`ns fill_majority`: majority answer per problem across seed files (grader equivalence), written into each file."""

from __future__ import annotations

from typing import Annotated

import typer

from nskit.cli import where


def register(app: typer.Typer) -> None:
    """Add the `fill_majority` command to `app`."""

    @app.command("fill_majority")
    def fill_majority(
        ctx: typer.Context,
        input_files: Annotated[
            list[str],
            typer.Option("--input_files", help='seed files or glob patterns, e.g. "<dir>/eval-results/<benchmark>/*-rs*.jsonl" (quote it)'),
        ],
        fill_key: Annotated[
            str, typer.Option("--fill_key", help="where the majority answer goes: predicted_answer or expected_answer")
        ] = "predicted_answer",
        ignore_if_not_none: Annotated[
            bool, typer.Option("--ignore_if_not_none", help="leave records whose fill_key is already set untouched")
        ] = False,
        timeout: Annotated[float, typer.Option("--timeout", help="seconds per answer comparison")] = 10.0,
        cluster: where.Cluster = None,
        config_dir: where.ConfigDir = None,
    ) -> None:
        """Vote over grader-equivalence classes (missing answers ignored; ties: earliest seed), fill every file.

        Writes the majority answer into --fill_key plus majority_votes, total_votes and answer_class, each file
        atomically; files are matched by position and checked by id/problem. Lists which files changed.
        """
        if where.submitted(ctx, cluster, config_dir):
            return
        from nskit.api import fill_majority as fill
        from nskit.records import RecordFileError

        try:
            report = fill(input_files, fill_key=fill_key, ignore_if_not_none=ignore_if_not_none, timeout=timeout,
                          progress=True)
        except (RecordFileError, FileNotFoundError) as exc:
            typer.echo(f"ns fill_majority: {exc}", err=True)
            raise typer.Exit(2) from None
        for path, count in report.changed.items():
            typer.echo(f"{path}: {f'{count} record(s) changed' if count else 'unchanged'}")
        typer.echo(report.line())

"""`ns failed_ids`: write the ids of the problems a graded run got wrong, for `++problem_ids=FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the `failed_ids` command to `app`."""

    @app.command("failed_ids")
    def failed_ids(
        input_file: Annotated[Path, typer.Option("--input_file", help="a graded output file, e.g. .../output.jsonl")],
        output_file: Annotated[Path, typer.Option("--output_file", help="where the ids go, one per line")],
        correct_field: Annotated[
            str, typer.Option("--correct_field", help="the grading field: symbolic_correct or judge_correct")
        ] = "symbolic_correct",
    ) -> None:
        """Write the ids a run got wrong (e.g. greedily), to evaluate strategies only on those problems."""
        from nskit.metrics.failed_ids import write_failed_ids

        count = write_failed_ids(input_file, output_file, correct_field)
        typer.echo(f"wrote {count} failed id(s) to {output_file}")

"""`ns grade`: (re)grade existing output files in place with the symbolic grader, on all cores."""

from __future__ import annotations

from typing import Annotated

import typer

from nskit.cli import where


def register(app: typer.Typer) -> None:
    """Add the `grade` command to `app`."""

    @app.command("grade")
    def grade(
        ctx: typer.Context,
        input_files: Annotated[
            list[str],
            typer.Option("--input_files", help="output files or glob patterns (quote them); repeat or space-separate"),
        ],
        extraction: Annotated[
            str,
            typer.Option("--extraction", help="answer extraction: boxed, boxed_strict, gsm8k, answer_is, last_number, multichoice"),
        ] = "boxed",
        timeout: Annotated[float, typer.Option("--timeout", help="seconds per record before its check is killed")] = 10.0,
        num_workers: Annotated[
            int | None, typer.Option("--num_workers", help="grading processes (default: all cores)")
        ] = None,
        cluster: where.Cluster = None,
        config_dir: where.ConfigDir = None,
    ) -> None:
        """Write predicted_answer and symbolic_correct into each record (NeMo-Skills files too), atomically.

        A check that times out or fails is written as symbolic_correct=false with grading_error naming the reason.
        Bad input (malformed line, missing expected_answer) stops with file and line, and no file is changed.
        """
        if where.submitted(ctx, cluster, config_dir):
            return
        from nskit.grading import EXTRACTIONS
        from nskit.grading.files import grade_files
        from nskit.records import RecordFileError

        if extraction not in EXTRACTIONS:
            raise typer.BadParameter(f"unknown extraction {extraction!r}; known: {', '.join(EXTRACTIONS)}")
        if timeout <= 0:
            raise typer.BadParameter("--timeout must be positive")
        patterns = [part for value in input_files for part in value.split()]
        try:
            summary = grade_files(patterns, extraction=extraction, timeout=timeout, workers=num_workers, progress=True)
        except (RecordFileError, FileNotFoundError) as exc:
            typer.echo(f"ns grade: {exc}", err=True)
            raise typer.Exit(2) from None
        typer.echo(summary.line())

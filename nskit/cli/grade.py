"""`ns grade`: (re)grade existing output files in place: math answers symbolically, code by running its tests."""

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
            str | None,
            typer.Option("--extraction", help="boxed, boxed_strict, gsm8k, answer_is, last_number, multichoice, "
                         "or code (run the tests); default: from the benchmark"),
        ] = None,
        benchmark: Annotated[
            str | None, typer.Option("--benchmark", help="the files' benchmark (default: their folder name)")
        ] = None,
        timeout: Annotated[
            float, typer.Option("--timeout", help="seconds per record (math check, or code run with its tests)")
        ] = 10.0,
        num_workers: Annotated[
            int | None, typer.Option("--num_workers", help="grading processes or programs at once (default: all cores)")
        ] = None,
        sandbox_address: Annotated[
            str | None,
            typer.Option("--sandbox_address", help="code: a running sandbox service (default: start one for the run)"),
        ] = None,
        cluster: where.Cluster = None,
        config_dir: where.ConfigDir = None,
    ) -> None:
        """Grade each record in place, atomically (NeMo-Skills files too).

        Math: predicted_answer and symbolic_correct; a check that times out or fails gets symbolic_correct=false and
        grading_error. Code: passed, status (passed|failed|timeout|error|no_code), execution_error and
        execution_time, from running the program with its tests in the sandbox; resumable. Bad input (malformed
        line, missing field) stops with file and line, and no file is changed. The pipeline passes the sandbox as
        ++sandbox_address=URL (the `++` spelling of --sandbox_address).
        """
        if where.submitted(ctx, cluster, config_dir):
            return
        from nskit.grading import EXTRACTIONS
        from nskit.grading.choice import CODE_EXTRACTION, group_by_extraction
        from nskit.grading.files import expand_paths
        from nskit.records import RecordFileError

        if extraction is not None and extraction not in (*EXTRACTIONS, CODE_EXTRACTION):
            raise typer.BadParameter(f"unknown extraction {extraction!r}; known: {', '.join(EXTRACTIONS)}, code")
        if timeout <= 0:
            raise typer.BadParameter("--timeout must be positive")
        patterns = [part for value in input_files for part in value.split()]
        try:
            groups = group_by_extraction(expand_paths(patterns), _benchmark_extraction, benchmark, extraction)
            for chosen, files in groups.items():
                if chosen == CODE_EXTRACTION:
                    summary = _grade_code(files, sandbox_address, timeout, num_workers)
                else:
                    from nskit.grading.files import grade_files

                    summary = grade_files(files, extraction=chosen, timeout=timeout, workers=num_workers, progress=True)
                typer.echo(summary.line())
        except (RecordFileError, FileNotFoundError, ValueError) as exc:
            typer.echo(f"ns grade: {exc}", err=True)
            raise typer.Exit(2) from None


def _benchmark_extraction(name: str) -> str | None:
    """The extraction of the benchmark called `name`, None when there is none."""
    from nskit.datasets import UnknownBenchmarkError, get_benchmark

    try:
        return get_benchmark(name).extraction
    except UnknownBenchmarkError:
        return None


def _grade_code(files, address, timeout, workers):
    from nskit.sandbox.judge import grade_code_files
    from nskit.sandbox import SandboxError, SandboxStartError, SandboxUnavailable

    try:
        return grade_code_files(files, sandbox_address=address, timeout=timeout, workers=workers)
    except (SandboxError, SandboxStartError, SandboxUnavailable) as exc:
        typer.echo(f"ns grade: the sandbox cannot run the tests ({exc}); verdicts so far are kept, rerun to resume",
                   err=True)
        raise typer.Exit(1) from None

"""`nskit.grade`, `nskit.fill_majority`, `nskit.summarize_results`: the commands that work on output files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nskit.grading.files import GradeSummary
    from nskit.metrics.majority import FillReport
    from nskit.metrics.summary import Summary


def _patterns(input_files: str | Path | Sequence[str | Path]) -> list[str]:
    """Files and glob patterns, space-separated values split (as the commands accept them)."""
    values = [input_files] if isinstance(input_files, (str, Path)) else list(input_files)
    return [part for value in values for part in str(value).split()]


def grade(
    input_files: str | Path | Sequence[str | Path],
    *,
    extraction: str = "boxed",
    timeout: float = 10.0,
    num_workers: int | None = None,
    progress: bool = False,
) -> GradeSummary:
    """Write `predicted_answer` and `symbolic_correct` into each record of the files, each replaced atomically."""
    from nskit.errors import UserError
    from nskit.grading import EXTRACTIONS
    from nskit.grading.files import grade_files

    if extraction not in EXTRACTIONS:
        raise UserError(f"unknown extraction {extraction!r}; known: {', '.join(EXTRACTIONS)}")
    if timeout <= 0:
        raise UserError("--timeout must be positive")
    return grade_files(_patterns(input_files), extraction=extraction, timeout=timeout, workers=num_workers,
                       progress=progress)


def fill_majority(
    input_files: str | Path | Sequence[str | Path],
    *,
    fill_key: str = "predicted_answer",
    ignore_if_not_none: bool = False,
    timeout: float = 10.0,
    progress: bool = False,
) -> FillReport:
    """Vote per problem across seed files (grader equivalence) and write the majority answer into every file."""
    from nskit.grading.files import expand_paths
    from nskit.metrics.majority import fill_majority as fill
    from nskit.progress import progress as bar

    paths = [Path(p) for p in expand_paths(_patterns(input_files))]
    with bar("voting", enabled=progress, lines=False) as (_, advance):
        return fill(paths, fill_key, ignore_if_not_none=ignore_if_not_none, timeout=timeout,
                    on_problem=lambda _: advance())


def summarize_results(
    results_dir: str | Path,
    *,
    json_file: str | Path | None = None,
    plot: str | Path | None = None,
    max_seq_len: int | None = None,
    majority: str = "class",
    progress: bool = False,
) -> Summary:
    """The metrics of every benchmark under `results_dir`, as data: `.to_json()` is
    `{benchmark: {row: {column: value}}}`, `.benchmarks` the rows; optionally also written as JSON and a plot.
    `majority`: "class" votes per grader equivalence class, "string" per answer string (NeMo-Skills)."""
    from nskit.metrics.plot import save_plot
    from nskit.metrics.summary import count_files, summarize
    from nskit.progress import progress as bar
    from nskit.records import atomic_write_text

    root = Path(results_dir)
    with bar("summarizing", enabled=progress, lines=False) as (set_total, advance):
        set_total(count_files(root))
        summary = summarize(root, max_seq_len=max_seq_len, majority=majority, on_file=lambda _: advance())
    if json_file is not None:
        atomic_write_text(Path(json_file), json.dumps(summary.to_json(), indent=2) + "\n")
    if plot is not None:
        save_plot(summary.benchmarks, Path(plot))
    return summary

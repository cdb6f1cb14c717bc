"""`summarize_results`: every benchmark under a directory, read once, into rows, issues and warnings."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nskit.metrics.aggregate import FileStats, SeedAggregator
from nskit.metrics.discovery import BenchmarkFiles, find_benchmarks
from nskit.metrics.reader import MetricFields, read_fields
from nskit.metrics.rows import Row, greedy_row, printed_names, seed_rows
from nskit.metrics.subsets import Section, adapter_fields, field_names, sections

SINGLE_AVERAGE = "pass@1[avg-of-1]"
"""Kept for plots and tests, left out of metrics.json as NeMo-Skills does (it equals the first file's pass@1)."""

ISSUE_TEXT = {
    "num_errors": "carry `error` (failed generation)",
    "num_grading_errors": "carry `grading_error`",
    "num_judge_errors": "carry `judge_error`",
    "num_missing": "missing (vs the longest file)",
    "num_ungraded": "have no symbolic_correct (not graded)",
    "num_unjudged": "have no judgement in a judged file",
}


@dataclass
class BenchmarkResult:
    """The rows of one benchmark, the files they come from and what is wrong with them."""

    name: str
    rows: list[Row] = field(default_factory=list)
    printed: list[str] = field(default_factory=list)
    files: list[FileStats] = field(default_factory=list)
    seeds: int = 0
    warnings: list[str] = field(default_factory=list)
    voting: SeedAggregator | None = field(default=None, repr=False)
    """The aggregator of the files that vote (the seed files, else the greedy file): per-problem answers."""

    def row(self, name: str) -> Row:
        """The row called `name` (KeyError if absent)."""
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"{self.name} has no row {name!r}")

    def issues(self) -> list[str]:
        """One line per file with a problem (errors, missing records, ...)."""
        lines = []
        for stats in self.files:
            if stats.records == 0:
                lines.append(f"{stats.path.name}: empty file (no records)")
                continue
            found = stats.issues()
            if found:
                parts = [f"{count} record(s) {ISSUE_TEXT[name]}" for name, count in found.items()]
                lines.append(f"{stats.path.name}: {'; '.join(parts)}")
        return lines


@dataclass
class Summary:
    """All benchmarks of one summarize run."""

    root: Path
    benchmarks: list[BenchmarkResult]
    seconds: float
    records: int

    def to_json(self) -> dict[str, dict[str, dict[str, Any]]]:
        """metrics.json in NeMo-Skills' layout: {benchmark or benchmark-subset: {row: {column: value}}}, every k."""
        return {
            b.name: {row.name: row.as_json() for row in b.rows if row.name != SINGLE_AVERAGE} for b in self.benchmarks
        }

    def has_issues(self) -> bool:
        """Whether any benchmark has records with errors, missing records or warnings (`--strict` fails)."""
        return any(b.issues() or b.warnings for b in self.benchmarks)

    def line(self) -> str:
        """The one-line summary printed last."""
        files = sum(len(b.files) for b in self.benchmarks)
        problems = sum(len(b.issues()) + len(b.warnings) for b in self.benchmarks)
        rate = self.records / self.seconds if self.seconds else 0.0
        status = f"{problems} issue(s), see the marked rows" if problems else "no issues"
        return (
            f"summarized {len(self.benchmarks)} benchmark(s), {files} file(s), {self.records} records in "
            f"{self.seconds:.1f} s ({rate:,.0f} records/s); {status}"
        )


def summarize(
    root: Path,
    *,
    max_seq_len: int | None = None,
    majority: str = "class",
    on_file: Callable[[Path], None] | None = None,
) -> Summary:
    """Summarize every benchmark under `root` (see `find_benchmarks`), each followed by its subset sections.

    `majority`: "class" (votes per grader class, nskit) or "string" (NeMo-Skills' vote per answer string).
    `on_file` is called after each file.
    """
    started = time.monotonic()
    benchmarks = [
        result
        for found in find_benchmarks(root)
        for result in summarize_benchmark(found, max_seq_len=max_seq_len, majority=majority, on_file=on_file)
    ]
    records = sum(f.records for b in benchmarks for f in b.files)
    return Summary(root=root, benchmarks=benchmarks, seconds=time.monotonic() - started, records=records)


def count_files(root: Path) -> int:
    """How many files `summarize(root)` will read (for a progress bar)."""
    return sum((found.greedy is not None) + len(found.seeds) for found in find_benchmarks(root))


def summarize_benchmark(
    found: BenchmarkFiles,
    *,
    max_seq_len: int | None = None,
    majority: str = "class",
    on_file: Callable[[Path], None] | None = None,
    read: Callable[[Path], Sequence[MetricFields]] | None = None,
) -> list[BenchmarkResult]:
    """Rows of one benchmark (`greedy` from the greedy file, the seed rows from the seed files), then the same
    rows for each of its subset sections.

    `read` reads one file's records (a caller that needs more fields than the metrics passes its own reader; the
    adapter's subset fields are then only split out if that reader keeps them).
    """
    fields = adapter_fields(found.name)
    if read is None:
        extra = field_names(fields)

        def read(path: Path) -> Sequence[MetricFields]:
            return read_fields(path, extra)

    subsets: list[Section] | None = None
    results: dict[str, BenchmarkResult] = {}
    strategy_run: Path | None = None  # the greedy file of a ++strategy run: its candidates give rm rows
    for group, paths in (("greedy", [found.greedy] if found.greedy else []), ("seeds", [p for _, p in found.seeds])):
        if not paths:
            continue
        aggregators: dict[str, SeedAggregator] = {}
        for path in paths:
            records = read(path)
            if subsets is None:
                subsets = sections(found.name, records, fields)
            if group == "greedy" and any(r.strategy is not None for r in records):
                strategy_run = path
            parts = [(found.name, records)] + [(section.name, section.pick(records)) for section in subsets]
            for name, part in parts:
                aggregators.setdefault(name, SeedAggregator(max_seq_len, majority=majority)).add_records(path, part)
            _notify(on_file, path)
        for name, aggregator in aggregators.items():
            aggregator.finish()
            result = results.setdefault(name, BenchmarkResult(name=name))
            result.files += aggregator.files
            result.voting = aggregator  # the seed files when there are any (they come last), else the greedy file
            if group == "greedy":
                result.rows.append(greedy_row(aggregator))
                result.printed.append("greedy")
                if name == found.name and strategy_run is not None:
                    _add_candidate_rows(result, strategy_run, majority, max_seq_len)
            else:
                result.seeds = len(paths)
                result.rows += seed_rows(aggregator)
                result.printed += printed_names(len(paths))
                result.warnings += _vote_warnings(aggregator.files)
    for result in results.values():
        if any(stats.code_verdicts for stats in result.files):
            from nskit.metrics.code import code_rows

            result.rows, result.printed = code_rows(result.rows, result.printed)
    return list(results.values())


def _add_candidate_rows(result: BenchmarkResult, path: Path, majority: str, max_seq_len: int | None) -> None:
    """rm_best@k / rm_majority@k over the reward-scored candidates of a strategy run (k = n shown)."""
    from nskit.metrics.candidates import candidate_reward_rows

    rows = candidate_reward_rows(path, majority, max_seq_len)
    if rows:
        n = max(row.k for row in rows)
        result.rows += rows
        result.printed += [f"rm_best@{n}", f"rm_majority@{n}"]


def _notify(on_file: Callable[[Path], None] | None, path: Path) -> None:
    if on_file is not None:
        on_file(path)


def _vote_warnings(files: list[FileStats]) -> list[str]:
    """Majority voting is only sound when all seed files were filled together (or none was)."""
    warnings = []
    with_classes = [f.path.name for f in files if f.class_votes]
    answered = [f.path.name for f in files if f.records - f.no_answer > f.class_votes]
    if with_classes and answered:
        warnings.append(
            f"majority votes mix fill_majority classes ({', '.join(with_classes[:3])}...) with plain answers "
            f"({', '.join(answered[:3])}...): rerun ns fill_majority on all seed files"
        )
    totals = set().union(*(f.total_votes for f in files)) if files else set()
    if len(totals) > 1:
        warnings.append(
            f"seed files were filled by different fill_majority runs (total_votes {sorted(totals)}): "
            "class numbers are not comparable; rerun ns fill_majority on all seed files"
        )
    return warnings

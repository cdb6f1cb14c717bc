"""Which grader a set of output files gets: the math grader with an extraction, or the code execution judge.

Order: an explicit `--extraction`; else the `--benchmark`'s adapter; else the adapter named by the folder the file
lies in (`eval-results/<benchmark>/output.jsonl`); else the records themselves (a `test_code` field means code);
else `boxed`. The caller looks benchmarks up (`benchmark_extraction`): the catalogue lives in a higher layer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

CODE_EXTRACTION = "code"
"""The extraction name of code benchmarks: the program is run against the record's tests, not compared."""

Lookup = Callable[[str], str | None]
"""A benchmark name (or folder name) -> its adapter's extraction; None when no benchmark has that name."""


def group_by_extraction(files: list[Path], benchmark_extraction: Lookup, benchmark: str | None = None,
                        extraction: str | None = None) -> dict[str, list[Path]]:
    """`files` grouped by the extraction (or `code`) each gets, in order of first appearance.

    `--extraction` or `--benchmark` decide for all files; otherwise each file's folder or records decide, so one
    glob over `eval-results/*/` grades math and code benchmarks alike.
    """
    if extraction is None and benchmark is not None:
        extraction = benchmark_extraction(benchmark)
        if extraction is None:
            raise ValueError(f"unknown benchmark {benchmark!r}")
    groups: dict[str, list[Path]] = {}
    for path in files:
        chosen = extraction or benchmark_extraction(path.parent.name) or _from_records(path)
        groups.setdefault(chosen, []).append(path)
    return groups


def _from_records(path: Path) -> str:
    """`code` when the first record carries `test_code`, else `boxed`. A first line that is not a record raises
    `RecordFileError` naming the file and line, before any file is graded."""
    from nskit.records import iter_jsonl

    first = next(iter_jsonl(path), None)
    return CODE_EXTRACTION if first is not None and "test_code" in first else "boxed"

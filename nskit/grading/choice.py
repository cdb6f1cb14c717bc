"""Which grader a set of output files gets: the math grader with an extraction, or the code execution judge.

Order: an explicit `--extraction`; else the `--benchmark`'s adapter; else the adapter named by the folder the file
lies in (`eval-results/<benchmark>/output.jsonl`); else the records themselves (a `test_code` field means code);
else `boxed`. The caller looks benchmarks up (`benchmark_extraction`): the catalogue lives in a higher layer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

CODE_EXTRACTION = "code"
"""The extraction name of code benchmarks: the program is run against the record's tests, not compared."""

Lookup = Callable[[str], str | None]
"""A benchmark name (or folder name) -> its adapter's extraction; None when no benchmark has that name."""


def extraction_for(files: list[Path], benchmark_extraction: Lookup, benchmark: str | None = None,
                   extraction: str | None = None) -> str:
    """The extraction (or `code`) for all of `files`; ValueError when they would need different graders."""
    if extraction is not None:
        return extraction
    if benchmark is not None:
        found = benchmark_extraction(benchmark)
        if found is None:
            raise ValueError(f"unknown benchmark {benchmark!r}")
        return found
    choices = {path: benchmark_extraction(path.parent.name) or _from_records(path) for path in files}
    kinds = {value == CODE_EXTRACTION for value in choices.values()}
    if len(kinds) > 1:
        code = [str(p) for p, v in choices.items() if v == CODE_EXTRACTION][:2]
        other = [str(p) for p, v in choices.items() if v != CODE_EXTRACTION][:2]
        raise ValueError(f"these files need the code judge ({', '.join(code)}) and those the math grader "
                         f"({', '.join(other)}): grade them in separate runs")
    return next(iter(choices.values()))


def _from_records(path: Path) -> str:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    return "boxed"  # the grader reports the bad line with its number
                return CODE_EXTRACTION if isinstance(record, dict) and "test_code" in record else "boxed"
    return "boxed"

"""Shared pieces of the reliability tests: problem files, partial-file snapshots, the retry line of a run."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from nskit.records import iter_jsonl
from nskit.records.partial import partial_path

TIMING_FIELDS = ("generation_start_time", "generation_end_time", "generation_time")
WIDE = {"COLUMNS": "400"}
"""Keeps rich from wrapping the summary line that tests parse."""


def write_problems(path: Path, count: int) -> None:
    """`count` distinct little sums as an input file (ids p0..)."""
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(count):
            record = {"id": f"p{i}", "problem": f"What is {i} + {i + 1}?", "expected_answer": str(2 * i + 1)}
            handle.write(json.dumps(record) + "\n")


def finished_records(final: Path) -> dict[int, dict[str, Any]]:
    """What the partial file beside `final` holds now, by position (a torn tail is ignored)."""
    path = partial_path(final)
    if not path.exists():
        return {}
    return {r["_async_position"]: r for r in iter_jsonl(path, allow_torn_tail=True)}


def retry_counts(output: str) -> tuple[int, dict[str, int]]:
    """`(total, by reason)` from the summary line `... retries 12 (connection 3, http_500 9)`."""
    match = re.search(r"retries (\d+) \(([^)]*)\)", output)
    if match is None:
        raise AssertionError(f"no retry counts in the output:\n{output[-3000:]}")
    reasons = {} if match.group(2) == "none" else {
        name: int(count) for name, count in (part.rsplit(" ", 1) for part in match.group(2).split(", "))
    }
    return int(match.group(1)), reasons

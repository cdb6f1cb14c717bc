"""Omni-MATH (4428 olympiad-level problems), KbsdJames/Omni-MATH `Omni-Math.jsonl`.

Pin: the file's sha256 could not be computed (its bytes were not obtainable here), so it is pinned by its git blob
id at commit 3c275be9 (`git hash-object Omni-Math.jsonl` gives the same id); `fetch` checks either kind.

Quirks handled:
- Upstream fields `domain` (list of topic paths), `difficulty` (float), `problem`, `solution`, `answer`, `source`:
  `answer` -> `expected_answer` (`$` delimiters removed), `solution` -> `reference_solution`, the rest kept.
- Records carry no id: `omni-math-<line index>`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit.datasets import Benchmark, Record, Source, strip_math_delimiters
from nskit.records import iter_jsonl


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """One record per upstream line."""
    for index, row in enumerate(iter_jsonl(files["test"])):
        yield {
            "id": f"omni-math-{index}",
            "problem": row["problem"],
            "expected_answer": strip_math_delimiters(str(row["answer"])),
            "reference_solution": row.get("solution"),
            "domain": row.get("domain"),
            "difficulty": row.get("difficulty"),
            "source": row.get("source"),
        }


BENCHMARK = Benchmark(
    name="omni-math",
    description="Omni-MATH olympiad-level problems",
    sources=(
        Source(
            "test",
            "https://raw.githubusercontent.com/KbsdJames/Omni-MATH/refs/heads/main/Omni-Math.jsonl",
            git_blob="1a9d46a3a2b52992b010152e8e090f5fb7e7cb4a",
        ),
    ),
    convert=convert,
    size=4428,
)

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

from typing import Any

from nskit.datasets import Benchmark, Record, Source, SubsetField, strip_math_delimiters
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


def domain_label(domain: Any) -> str | None:
    """Metrics section of a record: the top-level topic of its first domain path ("Mathematics -> Algebra -> ..."
    -> "Algebra"); None when the record has no domain."""
    paths = domain if isinstance(domain, list) else [domain]
    if not paths or not isinstance(paths[0], str):
        return None
    parts = [part.strip() for part in paths[0].split("->")]
    return parts[1] if len(parts) > 1 else parts[0]


def difficulty_label(difficulty: Any) -> str | None:
    """Metrics section by difficulty: the whole part of Omni-MATH's 1-10 rating (6.5 -> "6")."""
    return str(int(difficulty)) if isinstance(difficulty, (int, float)) else None


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
    subset_fields=(SubsetField("domain", domain_label), SubsetField("difficulty", difficulty_label)),
)

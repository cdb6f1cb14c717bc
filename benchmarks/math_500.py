"""MATH-500: the 500-problem MATH test subset of OpenAI's PRM800K (`math_splits/test.jsonl`).

Quirks handled:
- The file is a git-LFS object in openai/prm800k: the `github.com/.../raw/...` URL (the one NeMo-Skills uses)
  redirects to the LFS content, while `raw.githubusercontent.com/openai/prm800k/...` would serve the 131-byte
  pointer. The pin is the LFS oid, which is the sha256 of the content.
- The upstream `answer` field is used as is; `unique_id` (e.g. `test/precalculus/807.json`) becomes `id`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit.datasets import Benchmark, Record, Source
from nskit.records import iter_jsonl


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """One record per upstream line, NeMo-Skills field names."""
    for row in iter_jsonl(files["test"]):
        yield {
            "id": row["unique_id"],
            "problem": row["problem"],
            "expected_answer": row["answer"],
            "reference_solution": row["solution"],
            "subject": row["subject"],
            "level": row["level"],
            "unique_id": row["unique_id"],
        }


BENCHMARK = Benchmark(
    name="math-500",
    description="MATH-500: the PRM800K test subset of Hendrycks MATH",
    sources=(
        Source(
            "test",
            "https://github.com/openai/prm800k/raw/main/prm800k/math_splits/test.jsonl",
            sha256="35dc41080a3680858b27fa7e0533d2d547825316fc5dafe5d316f4ccc5a06132",
        ),
    ),
    convert=convert,
    size=500,
)

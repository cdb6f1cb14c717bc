"""Minerva math / OCW courses (272 problems), from QwenLM/Qwen2.5-Math `evaluation/data/minerva_math/test.jsonl`.

Quirks handled:
- No answer field: the answer is the last `\\boxed{...}` of the solution, braces matched (as NeMo-Skills does with
  its `extract_answer`); every solution in the pinned file has exactly one box.
- Answers keep their LaTeX and notation (`4.5e33`, `\\frac{1}{2}`); units outside the box are not part of them.
- `type` (the MIT course) becomes `subject`; `idx` gives the id.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit.datasets import Benchmark, Record, Source, boxed_answer
from nskit.records import iter_jsonl


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """One record per upstream line."""
    for index, row in enumerate(iter_jsonl(files["test"])):
        number = row.get("idx", index)
        yield {
            "id": f"minerva_math-{number}",
            "problem": row["problem"],
            "expected_answer": boxed_answer(row["solution"], f"minerva_math record {index} (idx {number})"),
            "reference_solution": row["solution"],
            "subject": row.get("type"),
        }


BENCHMARK = Benchmark(
    name="minerva_math",
    description="Minerva MATH: MIT OpenCourseWare science and math problems",
    sources=(
        Source(
            "test",
            "https://raw.githubusercontent.com/QwenLM/Qwen2.5-Math/refs/heads/main/evaluation/data/minerva_math/test.jsonl",
            sha256="0e656b430d3a0a1dab6aa853f453ba3805e28e2cabe4fc72486a897cc09d8ba2",
        ),
    ),
    convert=convert,
    size=272,
)

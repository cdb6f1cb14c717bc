"""GSM8K test set (1319 grade-school word problems), from openai/grade-school-math.

Quirks handled:
- The answer follows `#### ` at the end of the solution and may hold thousands separators (`#### 2,125`):
  the commas are dropped (`2125`).
- Solutions carry calculator annotations (`<<16-3-4=9>>`): removed from `reference_solution`, as NeMo-Skills does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit.datasets import Benchmark, ConversionError, Record, Source
from nskit.records import iter_jsonl

_CALCULATOR = re.compile(r"<<.*?>>")


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """One record per upstream line: question -> problem, the `####` number -> expected_answer."""
    for index, row in enumerate(iter_jsonl(files["test"])):
        solution, marker, answer = row["answer"].rpartition("####")
        if not marker or not answer.strip():
            raise ConversionError(f"gsm8k record {index}", "solution has no '#### <answer>' line")
        yield {
            "id": f"gsm8k-{index}",
            "problem": row["question"],
            "expected_answer": answer.strip().replace(",", ""),
            "reference_solution": _CALCULATOR.sub("", solution).strip(),
        }


BENCHMARK = Benchmark(
    name="gsm8k",
    description="GSM8K grade-school math word problems, test split",
    sources=(
        Source(
            "test",
            "https://raw.githubusercontent.com/openai/grade-school-math/master/grade_school_math/data/test.jsonl",
            sha256="3730d312f6e3440559ace48831e51066acaca737f6eabec99bccb9e4b3c39d14",
        ),
    ),
    convert=convert,
    size=1319,
)

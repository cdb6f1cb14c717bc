"""GSM8K test set (1319 grade-school word problems), from openai/grade-school-math; also its train split (7473).

Quirks handled:
- The answer follows `#### ` at the end of the solution and may hold thousands separators (`#### 2,125`):
  the commas are dropped (`2125`).
- Solutions carry calculator annotations (`<<16-3-4=9>>`): removed from `reference_solution`, as NeMo-Skills does.
- The train split (`--split train`) has the same format; its ids are `gsm8k-train-<n>`, so they never collide with
  test ids in a collected training set.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit.datasets import Benchmark, ConversionError, Record, Source, Split
from nskit.records import iter_jsonl

_CALCULATOR = re.compile(r"<<.*?>>")


def convert(files: Mapping[str, Path], split: str = "test") -> Iterator[Record]:
    """One record per upstream line: question -> problem, the `####` number -> expected_answer."""
    prefix = "gsm8k" if split == "test" else f"gsm8k-{split}"
    for index, row in enumerate(iter_jsonl(files[split])):
        solution, marker, answer = row["answer"].rpartition("####")
        if not marker or not answer.strip():
            raise ConversionError(f"gsm8k {split} record {index}", "solution has no '#### <answer>' line")
        yield {
            "id": f"{prefix}-{index}",
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
    other_splits=(
        Split(
            "train",
            sources=(
                Source(
                    "train",
                    "https://raw.githubusercontent.com/openai/grade-school-math/master/grade_school_math/data/train.jsonl",
                    sha256="17f347dc51477c50d4efb83959dbb7c56297aba886e5544ee2aaed3024813465",
                ),
            ),
            convert=functools.partial(convert, split="train"),
            size=7473,
        ),
    ),
)

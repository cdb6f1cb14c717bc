"""AMC 2023 (40 problems, AMC 12A/12B), from QwenLM/Qwen2.5-Math `evaluation/data/amc23/test.jsonl`.

Quirks handled:
- Answers are JSON floats (`27.0`, `-1.0`): written as integers (`27`, `-1`); see `number_text`.
- The file repeats the problem text as `question`; only `problem` is kept, plus the AoPS `url`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit.datasets import Benchmark, Record, Source, number_text
from nskit.records import iter_jsonl


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """One record per upstream line."""
    for index, row in enumerate(iter_jsonl(files["test"])):
        yield {
            "id": f"amc23-{row.get('id', index)}",
            "problem": row["problem"],
            "expected_answer": number_text(row["answer"], f"amc23 record {index}"),
            "url": row.get("url"),
        }


BENCHMARK = Benchmark(
    name="amc23",
    description="AMC 2023 (AMC 12A and 12B)",
    sources=(
        Source(
            "test",
            "https://raw.githubusercontent.com/QwenLM/Qwen2.5-Math/refs/heads/main/evaluation/data/amc23/test.jsonl",
            sha256="43707e1ca784602d8479de24ee8ce36609dbebc46dd152b0b12a46611aa898a4",
        ),
    ),
    convert=convert,
    size=40,
)

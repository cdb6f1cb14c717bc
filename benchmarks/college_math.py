"""College Math (2818 exercises from 9 open textbooks), from QwenLM/Qwen2.5-Math `evaluation/data/college_math`.

Quirks handled:
- Duplicated questions: 34 question texts occur 70 times, 24 of them with different answers (the textbook
  exercise refers to a figure, a table or parameters the extracted text lost, e.g. "Let the first angle of a
  triangle be $x$ degrees..." with four answers). All 2818 records are kept, as upstream counts them; each has
  its own id `<textbook>/<question_number>` (unique), so results stay comparable with published numbers.
- Answers wrapped in `$...$` (2078 of them) lose their delimiters; answers that are prose ("all real numbers")
  are kept as written.
- `data_topic` (`college_math.algebra`) -> `subject` (`algebra`); `data_source` -> `source`; `license` kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit.datasets import Benchmark, Record, Source, strip_math_delimiters
from nskit.records import iter_jsonl


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """One record per upstream line."""
    for row in iter_jsonl(files["test"]):
        source = row["data_source"].removeprefix("college_math.")
        yield {
            "id": f"college_math-{source}/{row['question_number']}",
            "problem": row["question"],
            "expected_answer": strip_math_delimiters(row["answer"]),
            "subject": row["data_topic"].removeprefix("college_math."),
            "source": source,
            "license": row.get("license"),
        }


BENCHMARK = Benchmark(
    name="college_math",
    description="College Math: exercises from open college textbooks",
    sources=(
        Source(
            "test",
            "https://raw.githubusercontent.com/QwenLM/Qwen2.5-Math/refs/heads/main/evaluation/data/college_math/test.jsonl",
            sha256="91131bc4a355b884fc63ef7c4f048c35adb030004a4cb07b1475698f120aa4a6",
        ),
    ),
    convert=convert,
    size=2818,
)

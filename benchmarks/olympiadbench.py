"""OlympiadBench, English text-only math subset (675), from QwenLM/Qwen2.5-Math `evaluation/data/olympiadbench`.

Quirks handled:
- `final_answer` is a list: every record of the pinned file has exactly one element, taken as the answer; a longer
  list would be joined with ", ".
- Answers come wrapped in `$...$` and multi-answer strings wrap each part (`$69$,$84$`, `$f(x)=x$,$f(x)=2-x$`):
  every unescaped `$` is removed (NeMo-Skills strips only the outer ones, leaving `69$,$84`), as is a full stop
  after the last `$`. 94 records are flagged `is_multiple_answer` (kept as a field).
- Units are a separate field (`unit`, e.g. `km/h`), kept beside the answer, not appended to it.
- `question` -> `problem` (with `context` in front when a record has one); `solution` is a list of alternative
  solutions, joined by blank lines into `reference_solution`; `subfield` -> `subject`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit.datasets import (
    Benchmark,
    ConversionError,
    Record,
    Source,
    strip_math_delimiters,
)
from nskit.records import iter_jsonl


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """One record per upstream line."""
    for index, row in enumerate(iter_jsonl(files["test"])):
        where = f"olympiadbench record {index} (id {row.get('id')})"
        answers = row["final_answer"]
        if isinstance(answers, str):
            answers = [answers]
        if not answers:
            raise ConversionError(where, "empty final_answer")
        problem = row["question"] if not row.get("context") else f"{row['context']}\n\n{row['question']}"
        solutions = row.get("solution") or []
        yield {
            "id": f"olympiadbench-{row.get('id', index)}",
            "problem": problem,
            "expected_answer": ", ".join(strip_math_delimiters(answer) for answer in answers),
            "reference_solution": "\n\n".join(solutions) if isinstance(solutions, list) else solutions,
            "subject": row.get("subfield"),
            "answer_type": row.get("answer_type"),
            "unit": row.get("unit"),
            "is_multiple_answer": row.get("is_multiple_answer"),
        }


BENCHMARK = Benchmark(
    name="olympiadbench",
    description="OlympiadBench: English text-only math competition problems",
    sources=(
        Source(
            "test",
            "https://raw.githubusercontent.com/QwenLM/Qwen2.5-Math/refs/heads/main/evaluation/data/olympiadbench/test.jsonl",
            sha256="bb8c1e38a16ea9eacb77530315a674d883f267fbff79183effc53681b4fcc416",
        ),
    ),
    convert=convert,
    size=675,
)

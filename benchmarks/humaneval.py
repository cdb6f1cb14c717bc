"""HumanEval (164 hand-written Python functions), from openai/human-eval `data/HumanEval.jsonl.gz`.

Quirks handled:
- The file is gzipped JSONL: it is read through `gzip` (the pin is on the compressed bytes).
- `prompt` is the start of a module (imports, signature, docstring) and `canonical_solution` only the body:
  `expected_answer` is the complete reference program, `prompt + canonical_solution`.
- `test` defines `check(candidate)` but never calls it: `test_code` appends `check(<entry_point>)`, as
  human-eval's own `check_correctness` does.
- `completion_prefix` is `prompt`, for raw completions of base models (the model continues the function body).
- Every canonical solution passes its tests in the sandbox (`bench/code_execution.py` runs all 164).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit_benchmarks._code import CODE_DEFAULTS, code_record

from nskit.datasets import Benchmark, ConversionError, Record, Source


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """One record per upstream line; `id` is `humaneval-<n>` for `task_id` `HumanEval/<n>`."""
    with gzip.open(files["test"], "rt", encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{files['test']} line {line_number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConversionError(where, f"not JSON: {exc}") from None
            missing = {"task_id", "prompt", "canonical_solution", "test", "entry_point"} - row.keys()
            if missing:
                raise ConversionError(where, f"missing fields {sorted(missing)}")
            number = row["task_id"].rpartition("/")[2]
            yield code_record(
                f"humaneval-{number}",
                row["prompt"],
                row["prompt"] + row["canonical_solution"],
                f"{row['test']}\n\ncheck({row['entry_point']})\n",
                completion_prefix=row["prompt"],
                entry_point=row["entry_point"],
                task_id=row["task_id"],
            )


BENCHMARK = Benchmark(
    name="humaneval",
    description="HumanEval: 164 Python functions from docstrings, graded by running their tests",
    sources=(
        Source(
            "test",
            "https://raw.githubusercontent.com/openai/human-eval/master/data/HumanEval.jsonl.gz",
            sha256="b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef",
        ),
    ),
    convert=convert,
    size=164,
    prompt_config="code/humaneval",
    **CODE_DEFAULTS,
)

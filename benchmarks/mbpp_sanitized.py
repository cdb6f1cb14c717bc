"""MBPP sanitized: the hand-verified subset of MBPP (427 problems), from google-research/google-research
`mbpp/sanitized-mbpp.json`; kept: the 257 problems of the test split (task_ids 11-510).

Quirks handled:
- The file is one JSON array, not JSONL. Its problem statement is `prompt` (reworded from MBPP's `text`).
- Some tests need imports the solution may not have (`import math`): `test_imports` come first in `test_code`.
- The 3-shot examples are task_ids 2, 3 and 4 of this same file (all three are in it), shown as in `mbpp`.
- Every reference passes its tests in the sandbox, but task 123 (1.7 s of CPU alone, as in `mbpp`) timed out once
  at the 10 s wall limit on a 2-core machine with a load average of 15 (256 of 257 passed then).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit_benchmarks._code import CODE_DEFAULTS, code_record
from nskit_benchmarks.mbpp import FEW_SHOT_IDS, TEST_IDS, few_shot_prompt

from nskit.datasets import Benchmark, ConversionError, Record, Source


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """The sanitized problems whose task_id is in the test split, in task_id order."""
    try:
        rows = {row["task_id"]: row for row in json.loads(files["test"].read_text(encoding="utf-8"))}
    except (json.JSONDecodeError, TypeError, KeyError) as exc:
        raise ConversionError(str(files["test"]), f"not a JSON array of problems: {exc}") from None
    missing = [task for task in FEW_SHOT_IDS if task not in rows]
    if missing:
        raise ConversionError(str(files["test"]), f"few-shot task_ids {missing} are missing")
    examples = few_shot_prompt((rows[t]["prompt"], rows[t]["test_list"], rows[t]["code"]) for t in FEW_SHOT_IDS)
    for task in sorted(t for t in rows if t in TEST_IDS):
        row = rows[task]
        tests = "\n".join(row["test_list"])
        imports = "\n".join(row["test_imports"])
        yield code_record(
            f"mbpp-sanitized-{task}",
            row["prompt"],
            row["code"],
            f"{imports}\n{tests}\n" if imports else f"{tests}\n",
            tests_shown=tests,
            few_shot_prompt=examples,
            task_id=task,
        )


BENCHMARK = Benchmark(
    name="mbpp-sanitized",
    description="MBPP sanitized, test split: 257 hand-checked basic Python problems, graded by running tests",
    sources=(
        Source(
            "test",
            "https://raw.githubusercontent.com/google-research/google-research/master/mbpp/sanitized-mbpp.json",
            sha256="ca95deaa9a01ef0a6f439f88bcf0dd3db3563d22f22aad6cae04ebb9a8d8c8e9",
        ),
    ),
    convert=convert,
    size=257,
    prompt_config="code/mbpp",
    **CODE_DEFAULTS,
)

"""MBPP (Mostly Basic Python Problems), the 500-problem test split (task_ids 11-510), from
google-research/google-research `mbpp/mbpp.jsonl` (974 problems).

Quirks handled:
- Splits are task_id ranges (Austin et al., 2021): few-shot prompt 1-10, test 11-510, validation 511-600, train
  601-974. Only the test split is kept; `task_id` is kept beside `id` (`mbpp-<task_id>`).
- The code uses Windows line ends (`\\r\\n`; tasks 104 and 255 end in a lone `\\r`): written with `\\n`.
- The prompt is the paper's 3-shot prompt from task_ids 2, 3 and 4, with the tests shown: `few_shot_prompt` holds
  the three worked examples (built from the same pinned file, each solution in a ```python block), `tests_shown`
  the problem's own asserts. The model must name its function as the tests call it, so the tests are the spec.
- `test_code` is `test_setup_code` (set for task 367 only in this split) followed by `test_list`;
  `challenge_test_list` (extra, harder asserts for a few problems) is kept as metadata and not run, as in the paper.
- Every reference solution passes its tests in the sandbox (`bench/code_execution.py` runs all 500). The slowest
  is task 123 (`amicable_numbers_sum(9999)`, quadratic): 1.7 s of CPU alone; on a machine loaded far beyond its
  cores it took 5.4 s of the 10 s wall limit, so on an even busier one it can time out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from nskit_benchmarks._code import CODE_DEFAULTS, code_record, crlf_to_lf

from nskit.datasets import Benchmark, ConversionError, Record, Source
from nskit.records import iter_jsonl

TEST_IDS = range(11, 511)
FEW_SHOT_IDS = (2, 3, 4)


def task_text(text: str, tests: Iterable[str]) -> str:
    """The paper's task statement with its tests shown (used for the examples and, in the prompt, the problem)."""
    shown = "\n".join(tests)
    return f"You are an expert Python programmer, and here is your task: {text} Your code should pass these tests:\n\n{shown}\n"


def few_shot_prompt(examples: Iterable[tuple[str, list[str], str]]) -> str:
    """The worked examples (text, tests, solution), each solution in a ```python block, then a blank line."""
    return "".join(f"{task_text(text, tests)}\n```python\n{code.strip()}\n```\n\n" for text, tests, code in examples)


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """The test split, in task_id order, each record carrying the 3-shot examples."""
    rows = {row["task_id"]: row for row in iter_jsonl(files["test"])}
    missing = [task for task in (*FEW_SHOT_IDS, *TEST_IDS) if task not in rows]
    if missing:
        raise ConversionError(str(files["test"]), f"task_ids {missing[:5]} are missing")
    examples = few_shot_prompt(
        (rows[t]["text"], rows[t]["test_list"], crlf_to_lf(rows[t]["code"])) for t in FEW_SHOT_IDS
    )
    for task in TEST_IDS:
        row = rows[task]
        if not row["test_list"]:
            raise ConversionError(f"mbpp task {task}", "no tests in test_list")
        setup = crlf_to_lf(row["test_setup_code"]).strip()
        tests = "\n".join(row["test_list"])
        yield code_record(
            f"mbpp-{task}",
            row["text"],
            crlf_to_lf(row["code"]),
            f"{setup}\n{tests}\n" if setup else f"{tests}\n",
            tests_shown=tests,
            few_shot_prompt=examples,
            task_id=task,
            challenge_test_list=row["challenge_test_list"],
        )


BENCHMARK = Benchmark(
    name="mbpp",
    description="MBPP test split: 500 basic Python problems, 3-shot with the tests shown, graded by running them",
    sources=(
        Source(
            "test",
            "https://raw.githubusercontent.com/google-research/google-research/master/mbpp/mbpp.jsonl",
            sha256="ccf64ceae9c5403bf50a044cb6d505bfd2a2963ee58338ba268fd65beab92a9f",
        ),
    ),
    convert=convert,
    size=500,
    prompt_config="code/mbpp",
    **CODE_DEFAULTS,
)

"""Record layout shared by the code adapters (humaneval, mbpp, mbpp-sanitized): not an adapter itself.

A code record holds, after `id`, `problem` and `expected_answer` (the reference solution as a complete program):
- `test_code`: the program the execution judge appends to a candidate and runs; it passes when it ends without an
  exception (`nskit.sandbox.verdict`).
- `completion_prefix` (HumanEval only): the code a raw completion continues (the function signature and
  docstring); the judge runs `completion_prefix + generation` when a generation holds no fenced code block.
- `tests_shown` (MBPP): the asserts the prompt shows the model, one per line.
"""

from __future__ import annotations

from nskit.datasets import Record

CODE_DEFAULTS = {"extraction": "code", "metric_type": "code"}
"""`Benchmark` defaults every code adapter shares: graded by the execution judge, summarized as code."""


def code_record(
    record_id: str, problem: str, reference: str, test_code: str, **metadata: object
) -> Record:
    """A code record with the fields in their documented order (metadata after the first four)."""
    return {
        "id": record_id,
        "problem": problem,
        "expected_answer": reference,
        "test_code": test_code,
        **metadata,
    }


def crlf_to_lf(text: str) -> str:
    """MBPP's full file writes its code with Windows line ends (`\\r\\n`, and a lone `\\r` at the end of two
    solutions, 104 and 255): plain `\\n` everywhere."""
    return text.replace("\r\n", "\n").replace("\r", "\n")

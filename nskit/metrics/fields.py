"""What the metrics read from one record: its vote key and its correctness per column.

Files written by nskit and by NeMo-Skills (2024: `is_correct`; v0.7: `symbolic_correct`, `judgement` text without
`judge_correct`) are both understood.
"""

from __future__ import annotations

import re
from typing import Any

from nskit.judge.verdict import parse_verdict
from nskit.metrics.reader import MetricFields
from nskit.records import schema

COLUMNS = (schema.SYMBOLIC_CORRECT, schema.JUDGE_CORRECT, "both_correct", "any_correct")
"""Correctness columns, in this order everywhere in the metrics."""

JUDGE_COLUMNS = frozenset(COLUMNS[1:])

_LONG_IDENTITY = 64
_SPACES = re.compile(r"\s+")
_NOISE = re.compile(r"\\left|\\right|\\!|\\,|\\;|\\ ")


def normalized_answer(answer: Any) -> str:
    """The string votes are counted on when no grader classes are present: whitespace, `$`, sizing removed."""
    text = str(answer).strip().strip("$")
    text = _NOISE.sub("", text)
    text = _SPACES.sub("", text)
    return text.rstrip(".")


def problem_identity(record_id: Any, problem: Any) -> Any:
    """What must agree between records at the same position of two seed files: `id`, else `problem`.

    Long texts are kept as their hash (memory per problem stays small); None means "cannot check".
    """
    value = record_id if record_id is not None else problem
    if isinstance(value, (dict, list)):
        value = repr(value)
    if isinstance(value, str) and len(value) > _LONG_IDENTITY:
        return hash(value)
    return value


def judge_verdict(record: MetricFields) -> bool | None:
    """The judge's verdict: `judge_correct`, else parsed from `judgement` (NeMo-Skills); None = not judged."""
    if record.judge_correct is not None:
        return bool(record.judge_correct)
    if record.judgement is None:
        return None
    return parse_verdict(str(record.judgement)).correct


def symbolic_verdict(record: MetricFields) -> bool | None:
    """`symbolic_correct` (or the 2024 name `is_correct`, or `passed` of the code execution judge); None = not graded."""
    value = record.symbolic_correct if record.symbolic_correct is not None else record.is_correct
    if value is None:
        value = record.passed
    return None if value is None else bool(value)


def string_key(answer: Any) -> Any:
    """The answer as written, hashable (lists and dicts by their repr): NeMo-Skills' majority vote key."""
    return answer if isinstance(answer, (str, int, float, bool)) else repr(answer)


def token_split(record: MetricFields) -> tuple[float, float]:
    """(reasoning, answer) tokens of a record; without a split all generated tokens count as answer (NeMo-Skills)."""
    reasoning = record.num_reasoning_tokens if isinstance(record.num_reasoning_tokens, (int, float)) else 0
    answer = record.num_answer_tokens if isinstance(record.num_answer_tokens, (int, float)) else 0
    if reasoning == 0 and answer == 0 and isinstance(record.num_generated_tokens, (int, float)):
        answer = record.num_generated_tokens
    return float(reasoning), float(answer)
def vote_key(record: MetricFields) -> Any:
    """What a record votes for in majority@k: its fill_majority `answer_class`, else its normalised answer.

    None when the record has no answer.
    """
    if record.predicted_answer is None:
        return None
    if isinstance(record.answer_class, int):
        return record.answer_class
    answer = record.predicted_answer
    return normalized_answer(answer if isinstance(answer, str) else str(answer))

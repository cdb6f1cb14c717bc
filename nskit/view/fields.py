"""What the results browser reads from every record in its one pass, and the state of one generation.

The index keeps per record a few bits (verdicts, errors, no answer) and the byte offset of its line; everything
else is read from the file when a problem is opened.
"""

from __future__ import annotations

from typing import Any

import msgspec

from nskit.metrics.fields import judge_verdict, symbolic_verdict
from nskit.metrics.reader import MetricFields

CORRECT = 1
WRONG = 2
NO_ANSWER = 4
DISAGREE = 8
GRADING_ERROR = 16
GENERATION_ERROR = 32
MISSING = 64

FACETS = ("subset_for_metrics", "level", "subject", "type", "difficulty", "source")
"""Data fields the problem list can filter on when present (subset, level, ...)."""


class ViewFields(MetricFields):
    """The metric fields plus what the problem list shows and filters on."""

    expected_answer: Any = None
    passed: Any = None
    subset_for_metrics: Any = None
    level: Any = None
    subject: Any = None
    type: Any = None
    difficulty: Any = None
    source: Any = None


def view_fields(record: dict[str, Any]) -> ViewFields:
    """The viewer's fields of a record already read as a dict (unknown fields ignored)."""
    return msgspec.convert(record, ViewFields)


def verdict(record: MetricFields, passed: Any = None) -> tuple[bool | None, bool | None, bool | None]:
    """(primary, symbolic, judge) verdicts; primary is the execution verdict `passed` for code, else symbolic,
    else the judge's; None = not graded."""
    symbolic, judge = symbolic_verdict(record), judge_verdict(record)
    if passed is not None:
        return bool(passed), symbolic, judge
    return (symbolic if symbolic is not None else judge), symbolic, judge


def record_bits(record: ViewFields) -> int:
    """The state bits of one record (CORRECT, WRONG, NO_ANSWER, DISAGREE, GRADING_ERROR, GENERATION_ERROR)."""
    primary, symbolic, judge = verdict(record, record.passed)
    bits = CORRECT if primary else (WRONG if primary is not None else 0)
    if record.predicted_answer is None:
        bits |= NO_ANSWER
    if symbolic is not None and judge is not None and symbolic != judge:
        bits |= DISAGREE
    if record.grading_error is not None or record.judge_error is not None:
        bits |= GRADING_ERROR
    if record.error is not None:
        bits |= GENERATION_ERROR
    return bits


_STATE_ORDER = (
    (MISSING, "m"),
    (GENERATION_ERROR, "e"),
    (GRADING_ERROR, "g"),
    (DISAGREE, "d"),
    (CORRECT, "c"),
    (NO_ANSWER, "n"),
    (WRONG, "w"),
)
STATE_NAMES = {
    "m": "missing from this file",
    "e": "generation error",
    "g": "grading or judge error",
    "d": "symbolic and judge disagree",
    "c": "correct",
    "n": "no answer",
    "w": "wrong",
    "u": "not graded",
}


def state_char(bits: int) -> str:
    """One letter for a cell of the problem list (see STATE_NAMES); the first matching state wins."""
    for bit, char in _STATE_ORDER:
        if bits & bit:
            return char
    return "u"


STATE_TABLE = bytes(ord(state_char(bits)) for bits in range(256))
"""state_char for every bit combination, for bytes.translate over a whole file at once."""

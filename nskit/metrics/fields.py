"""What the metrics read from one record: its vote key, its correctness per column and its problems.

Files written by nskit and by NeMo-Skills (2024: `is_correct`; v0.7: `symbolic_correct`, `judgement` text without
`judge_correct`) are both understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from nskit.judge.verdict import parse_verdict

COLUMNS = ("symbolic_correct", "judge_correct", "both_correct", "any_correct")
"""Correctness columns, in the order of the tuples below."""

JUDGE_COLUMNS = frozenset(COLUMNS[1:])
CLASS_KEY = "answer_class"
"""Written by fill_majority: the grader-equivalence class of the record's answer, numbered per problem."""

_SPACES = re.compile(r"\s+")
_NOISE = re.compile(r"\\left|\\right|\\!|\\,|\\;|\\ ")


def normalized_answer(answer: Any) -> str:
    """The string votes are counted on when no grader classes are present: whitespace, `$`, sizing removed."""
    text = str(answer).strip().strip("$")
    text = _NOISE.sub("", text)
    text = _SPACES.sub("", text)
    return text.rstrip(".")


def vote_key(record: dict[str, Any]) -> tuple[str, Any] | None:
    """The key a record votes with: its fill_majority class, else its normalised answer; None = no answer."""
    answer = record.get("predicted_answer")
    if answer is None:
        return None
    cls = record.get(CLASS_KEY)
    if isinstance(cls, int):
        return ("class", cls)
    return ("answer", normalized_answer(answer))


def judge_verdict(record: dict[str, Any]) -> bool | None:
    """The judge's verdict: `judge_correct`, else parsed from `judgement` (NeMo-Skills); None = not judged."""
    value = record.get("judge_correct")
    if value is not None:
        return bool(value)
    text = record.get("judgement")
    if text is None:
        return None
    return parse_verdict(str(text)).correct


def symbolic_verdict(record: dict[str, Any]) -> bool | None:
    """`symbolic_correct` (or the 2024 name `is_correct`); None = not graded."""
    value = record.get("symbolic_correct", record.get("is_correct"))
    return None if value is None else bool(value)


@dataclass(frozen=True)
class Reading:
    """One record as the metrics see it."""

    key: tuple[str, Any] | None
    correct: tuple[int, int, int, int]
    judged: bool
    graded: bool


def read_record(record: dict[str, Any], max_seq_len: int | None = None) -> Reading:
    """Vote key and 0/1 correctness per column; with `max_seq_len`, longer generations are wrong and unanswered."""
    sym = symbolic_verdict(record)
    judge = judge_verdict(record)
    if max_seq_len is not None and (record.get("num_generated_tokens") or 0) > max_seq_len:
        return Reading(None, (0, 0, 0, 0), judge is not None, sym is not None)
    s, j = int(bool(sym)), int(bool(judge))
    return Reading(vote_key(record), (s, j, s & j, s | j), judge is not None, sym is not None)

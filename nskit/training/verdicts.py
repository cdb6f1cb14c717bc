"""Which generations count as correct: a registry of verdicts read from graded records, and how to combine them.

`symbolic` is `ns grade`'s `symbolic_correct` (NeMo-Skills 2024: `is_correct`), `judge` the LLM judge's
`judge_correct` (or its `judgement` text, NeMo-Skills v0.7), `execution` the code judge's `passed`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from nskit.errors import UserError
from nskit.judge.verdict import parse_verdict
from nskit.records.schema import IS_CORRECT, JUDGE_CORRECT, JUDGEMENT, PASSED, SYMBOLIC_CORRECT

Verdict = Callable[[dict[str, Any]], "bool | None"]
"""A record -> True (correct), False (wrong), None (not graded this way)."""


def symbolic(record: dict[str, Any]) -> bool | None:
    """`symbolic_correct` (or the 2024 name `is_correct`)."""
    value = record.get(SYMBOLIC_CORRECT, record.get(IS_CORRECT))
    return None if value is None else bool(value)


def judge(record: dict[str, Any]) -> bool | None:
    """`judge_correct`, else the verdict parsed from `judgement`."""
    if record.get(JUDGE_CORRECT) is not None:
        return bool(record[JUDGE_CORRECT])
    if record.get(JUDGEMENT) is None:
        return None
    return parse_verdict(str(record[JUDGEMENT])).correct


def execution(record: dict[str, Any]) -> bool | None:
    """`passed`: the code judge ran the benchmark's tests on the solution."""
    value = record.get(PASSED)
    return None if value is None else bool(value)


VERDICTS: dict[str, Verdict] = {"symbolic": symbolic, "judge": judge, "execution": execution}

Combine = Literal["all", "any"]


def check_names(names: Sequence[str]) -> list[str]:
    """The verdict names, checked against the registry (an unknown one lists the known ones)."""
    unknown = [name for name in names if name not in VERDICTS]
    if unknown or not names:
        raise UserError(f"unknown verdict(s) {unknown or names!r}: choose from {', '.join(VERDICTS)}")
    return list(names)


def judged_correct(record: dict[str, Any], names: Sequence[str], combine: Combine = "all") -> bool | None:
    """The combined verdict: with `all` every named verdict must say correct, with `any` one is enough.

    None when the record was not graded by any of them (`all`: by one of them), so that an ungraded file is
    reported as such rather than as wrong.
    """
    verdicts = [VERDICTS[name](record) for name in names]
    known = [v for v in verdicts if v is not None]
    if combine == "all":
        return None if len(known) < len(verdicts) else all(known)
    if any(known):
        return True
    return None if not known else False

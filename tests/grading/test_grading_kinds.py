"""The answer kinds of issue 14 (several answers, assignments, relations and intervals, numbers as written,
structures in prose) and NeMo-Skills' own `math_equal` cases, each asserting the grader's verdict."""

from __future__ import annotations

import pytest
from grading_kinds import KINDS
from nemo_skills_cases import both_directions

from nskit.grading import is_equal
from nskit.grading.equality import check_equal

CASES = [(kind, *case) for kind, cases in KINDS.items() for case in cases]
NEMO_SKILLS = both_directions()


def test_every_kind_has_at_least_30_cases_with_positives_and_near_misses() -> None:
    for kind, cases in KINDS.items():
        assert len(cases) >= 30, kind
        assert sum(label for *_, label in cases) >= 10 and sum(not label for *_, label in cases) >= 8, kind
    assert len(NEMO_SKILLS) == 61  # 25 equal and 6 unequal pairs, both ways round (None is never a gold)


@pytest.mark.parametrize(("kind", "gold", "prediction", "equal"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_verdict(kind: str, gold: str, prediction: str, equal: bool) -> None:
    assert check_equal(gold, prediction) is equal, f"{kind}: {gold!r} vs {prediction!r} should be {equal}"


@pytest.mark.parametrize(("gold", "prediction", "equal"), NEMO_SKILLS, ids=[f"nemo-{i}" for i in range(len(NEMO_SKILLS))])
def test_nemo_skills_math_equal_cases(gold: str, prediction: str | None, equal: bool) -> None:
    assert check_equal(gold, prediction) is equal


@pytest.mark.parametrize("kind", list(KINDS))
def test_public_is_equal_agrees_with_the_in_process_check(kind: str) -> None:
    # a few cases of each kind through the public API (cheap path in this process or the killable pool)
    for gold, prediction, equal in KINDS[kind][:: max(1, len(KINDS[kind]) // 6)]:
        assert is_equal(gold, prediction, timeout=30) is equal, (gold, prediction)


def test_not_equal_relation_no_longer_raises() -> None:
    assert is_equal("x \\neq 3", "x != 3", timeout=30) is True
    assert is_equal("a \\neq b", "b \\ne a", timeout=30) is True
    assert is_equal("a \\neq b", "a \\ne 2b", timeout=30) is False

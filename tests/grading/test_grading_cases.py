"""The labelled (gold, prediction, equal?) cases of `cases.py`, each asserting the grader's verdict."""

from __future__ import annotations

import pytest
from grading_cases import ALL

from nskit.grading import is_equal
from nskit.grading.equality import check_equal

CASES = [(category, *case) for category, cases in ALL.items() for case in cases]


def test_there_are_at_least_400_labelled_cases_in_every_category() -> None:
    assert len(CASES) >= 400
    assert all(len(cases) >= 15 for cases in ALL.values())
    assert all(any(label for *_, label in cases) and any(not label for *_, label in cases) for cases in ALL.values())


@pytest.mark.parametrize(("category", "gold", "prediction", "equal"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_verdict(category: str, gold: str, prediction: str, equal: bool) -> None:
    assert check_equal(gold, prediction) is equal, f"{category}: {gold!r} vs {prediction!r} should be {equal}"


@pytest.mark.parametrize("category", list(ALL))
def test_public_is_equal_agrees_with_the_in_process_check(category: str) -> None:
    # the first few cases of each category through the public API (cheap path or the worker pool)
    for gold, prediction, equal in ALL[category][:6]:
        assert is_equal(gold, prediction, timeout=30) is equal, (gold, prediction)


def test_none_prediction_is_never_equal() -> None:
    assert is_equal("5", None) is False
    assert check_equal("5", None) is False
    assert is_equal("5", "") is False

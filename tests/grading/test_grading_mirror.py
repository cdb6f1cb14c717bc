"""Self-consistency on real benchmark answers from the offline mirror (raw upstream files)."""

from __future__ import annotations

from pathlib import Path

import pytest
from grading_mirror import FILES, expected_answers, math500_rows, respell

from nskit.grading import extract_answer, is_equal
from nskit.grading.equality import check_equal
from nskit.grading.normalize import unwrap

# math-500 problems whose reference solution's last \boxed{} is not the `answer` field, with the reason.
# (None at present: every one of the 500 matches.)
MATH500_EXCEPTIONS: dict[str, str] = {}


@pytest.mark.parametrize("benchmark", list(FILES))
def test_every_expected_answer_equals_a_respelling_of_itself(mirror_dir: Path, benchmark: str) -> None:
    # the gold against another spelling of it (not the identical string, which the grader decides by shortcut)
    answers = expected_answers(mirror_dir, benchmark)
    assert answers
    failures = []
    for answer in answers:
        spelt = respell(answer)
        assert unwrap(spelt, spans=False) != unwrap(answer, spans=False), answer
        for prediction in (spelt, f"The final answer is $\\boxed{{{spelt}}}$."):
            if not check_equal(answer, prediction):
                failures.append((answer, prediction))
    assert failures == [], f"{len(failures)} of {len(answers)} answers not equal to their respelling"


def test_self_consistency_through_the_public_api(mirror_dir: Path) -> None:
    # a sample through is_equal (cheap path + worker pool) with gold also given as raw boxed text
    answers = expected_answers(mirror_dir, "math-500")[::10] + expected_answers(mirror_dir, "olympiadbench")[::25]
    for answer in answers:
        assert is_equal(f"\\boxed{{{answer}}}", respell(answer), timeout=30), answer


def test_math500_boxed_solution_matches_answer(mirror_dir: Path) -> None:
    rows = math500_rows(mirror_dir)
    mismatches = {}
    for row in rows:
        boxed = extract_answer(row["solution"])
        if not check_equal(row["answer"], boxed):
            mismatches[row["unique_id"]] = (row["answer"], boxed)
    unexplained = {k: v for k, v in mismatches.items() if k not in MATH500_EXCEPTIONS}
    assert unexplained == {}
    assert len(rows) - len(mismatches) >= 0.99 * len(rows)


def test_gold_is_not_equal_to_a_different_gold(mirror_dir: Path) -> None:
    # guards against a grader that says "equal" too easily: neighbouring distinct answers must differ
    answers = expected_answers(mirror_dir, "math-500")
    pairs = [
        (a, b)
        for a, b in zip(answers, answers[1:], strict=False)
        if a.replace(" ", "") != b.replace(" ", "") and "=" not in a + b  # "5" and "x=5" are the same answer
    ]
    wrongly_equal = [(a, b) for a, b in pairs[:200] if check_equal(a, b)]
    assert wrongly_equal == []

"""Hostile inputs never hang or crash grading: each check ends within its timeout + 1 s."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from grading_adversarial import adversarial_answers

from nskit.grading import GradingError, GradingTimeout, is_equal
from nskit.grading.files import grade_files

TIMEOUT = 2.0


def test_there_are_300_distinct_adversarial_answers() -> None:
    answers = adversarial_answers()
    assert len(answers) == 300
    assert len(set(answers)) >= 290
    assert max(map(len, answers)) >= 100_000


@pytest.mark.slow
def test_each_adversarial_check_finishes_within_timeout_plus_one_second() -> None:
    is_equal("x^2+1", "1+x^2")  # start the shared pool first: its one-time start-up is not a check
    slow = []
    outcomes = {"equal": 0, "not equal": 0, "timeout": 0, "error": 0}
    for answer in adversarial_answers():
        for gold, prediction in ((r"\frac{1}{2}", answer), (answer, "5"), (answer, answer)):
            started = time.monotonic()
            try:
                outcomes["equal" if is_equal(gold, prediction, timeout=TIMEOUT) else "not equal"] += 1
            except GradingTimeout:
                outcomes["timeout"] += 1
            except GradingError:
                outcomes["error"] += 1
            elapsed = time.monotonic() - started
            if elapsed > TIMEOUT + 1:
                slow.append((answer[:40], len(answer), round(elapsed, 2)))
    assert slow == []
    assert outcomes["equal"] >= 300  # at least every answer equals itself (identical strings)


def test_grading_run_over_adversarial_generations_writes_every_record(tmp_path: Path) -> None:
    answers = adversarial_answers()
    path = tmp_path / "output.jsonl"
    records = [
        {"id": i, "expected_answer": "5" if i % 2 else answer, "generation": f"So the answer is $\\boxed{{{answer}}}$."}
        for i, answer in enumerate(answers)
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    summary = grade_files(path, timeout=TIMEOUT, workers=2)
    graded = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in graded] == list(range(300))
    assert summary.records == 300
    for record in graded:
        assert isinstance(record["symbolic_correct"], bool)
        assert "predicted_answer" in record
        if "grading_error" in record:
            assert record["symbolic_correct"] is False
            assert record["grading_error"]

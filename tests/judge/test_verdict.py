"""Verdict parsing (text after the LAST `Judgement:`) and the price table."""

from __future__ import annotations

import pytest

from nskit.judge import parse_verdict
from nskit.judge.prices import cost_line, price_for


@pytest.mark.parametrize(
    ("text", "correct", "verdict"),
    [
        ("Reasoning...\nJudgement: Yes", True, "yes"),
        ("Judgement: No", False, "no"),
        ("judgement: YES, they match", True, "yes"),
        ("Judgement: Yes at first.\nOn reflection, Judgement: No", False, "no"),
        ("Judgement: **Yes**", True, "yes"),
        ("Judgement:\n\nNo.", False, "no"),
    ],
)
def test_verdicts(text: str, correct: bool, verdict: str) -> None:
    parsed = parse_verdict(text)
    assert (parsed.correct, parsed.verdict, parsed.reason) == (correct, verdict, None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("They are the same.", "no 'Judgement:'"),
        ("Judgement: maybe", "found 'maybe'"),
        ("Judgement:", "found 'nothing'"),
        ("", "empty judgement"),
        (None, "empty judgement"),
    ],
)
def test_no_verdict_is_incorrect_with_a_reason(text: str | None, reason: str) -> None:
    parsed = parse_verdict(text)
    assert parsed.correct is False and parsed.verdict is None
    assert reason in (parsed.reason or "")


def test_prices_known_snapshots_and_overrides() -> None:
    assert price_for("gpt-4o") == (2.50, 10.00)
    assert price_for("gpt-4o-2024-08-06") == (2.50, 10.00)
    assert price_for("openai/gpt-4o-mini") == (0.15, 0.60)
    assert price_for("smol") is None
    assert "cost unknown" in cost_line("smol", 10, 5)
    assert "tokens: 1,000,000 in, 0 out; cost ≈ $2.50" in cost_line("gpt-4o", 1_000_000, 0)
    assert "cost ≈ $3.00" in cost_line("smol", 1_000_000, 1_000_000, input_price=1, output_price=2)
    assert "cost unknown" in cost_line("smol", 1, 1, input_price=1)

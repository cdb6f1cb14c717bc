"""Answer extraction: last \\boxed{} (nested braces, no braces), GSM8K ####, "the answer is", None."""

from __future__ import annotations

import pytest

from nskit.grading import EXTRACTIONS, Extraction, extract_answer

BOXED = [
    ("so $\\boxed{5}$.", "5"),
    ("\\boxed{1} then \\boxed{2}", "2"),
    ("\\boxed{\\frac{1}{2}}", "\\frac{1}{2}"),
    ("\\boxed{\\frac{\\sqrt{3}}{\\left(2\\right)}}", "\\frac{\\sqrt{3}}{\\left(2\\right)}"),
    ("\\boxed{\\{1,2\\}}", "\\{1,2\\}"),
    ("\\boxed{\\left\\{ x \\right.}", "\\left\\{ x \\right."),
    ("\\fbox{7}", "7"),
    ("$\\boxed 5$", "5"),
    ("\\boxed 42.", "42"),
    ("\\boxed {12}", "12"),
    ("\\boxed{$3$}", "3"),
    ("\\boxed{ 4 }.", "4"),
    ("The answer is $\\boxed{\\text{(B)}}$", "\\text{(B)}"),
    ("\\boxed{\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}"),
    ("no box here", None),
    ("\\boxed{unclosed", None),
    ("", None),
    ("\\boxed{}", None),
    ("So the final answer is 17.", "17"),
    ("The answer is: $\\frac{3}{4}$.", "\\frac{3}{4}"),
    ("Final Answer: The final answer is $8$. I hope it is correct.", "8"),
    ("The answer is 3.5. Next we check.", "3.5"),
    ("the answer is \\boxed{9} and more text", "9"),
]


@pytest.mark.parametrize(("text", "answer"), BOXED)
def test_boxed(text: str, answer: str | None) -> None:
    assert extract_answer(text) == answer


def test_boxed_strict_does_not_fall_back() -> None:
    assert extract_answer("The answer is 17.", "boxed_strict") is None
    assert extract_answer("\\boxed{17}", "boxed_strict") == "17"


@pytest.mark.parametrize(
    ("text", "answer"),
    [("x\n#### 18", "18"), ("#### 1,234\n", "1234"), ("#### 5\nlater \\boxed{6}", "5"), ("\\boxed{6}", "6"), ("none", None)],
)
def test_gsm8k(text: str, answer: str | None) -> None:
    assert extract_answer(text, "gsm8k") == answer


@pytest.mark.parametrize(
    ("text", "answer"),
    [("so (B) is right", "B"), ("\\boxed{\\text{(C)}}", "C"), ("The answer is D.", "D"), ("\\boxed{E}", "E"), ("42", None)],
)
def test_multichoice(text: str, answer: str | None) -> None:
    assert extract_answer(text, "multichoice") == answer


def test_last_number_and_custom_regex() -> None:
    assert extract_answer("costs 3 then 1,250 dollars", "last_number") == "1250"
    custom = Extraction("mine", boxed=False, answer_is=False, regex=r"Final answer: (.+)$")
    assert extract_answer("work\nFinal answer: 12", custom) == "12"
    assert extract_answer("nothing", custom) is None


def test_unknown_extraction_lists_known_ones() -> None:
    with pytest.raises(ValueError, match="known: boxed"):
        extract_answer("x", "nope")
    assert set(EXTRACTIONS) >= {"boxed", "gsm8k", "answer_is", "multichoice"}

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
    custom = Extraction("mine", ("regex",), regex=r"Final answer: (.+)$")
    assert extract_answer("work\nFinal answer: 12", custom) == "12"
    assert extract_answer("nothing", custom) is None


def test_unknown_extraction_lists_known_ones() -> None:
    with pytest.raises(ValueError, match="known: boxed"):
        extract_answer("x", "nope")
    assert set(EXTRACTIONS) >= {"boxed", "gsm8k", "answer_is", "multichoice"}


# (model text, extraction, expected answer, rule that fired): answers outside \boxed{} and lists of answers
RULE_CASES = [
    ("Final Answer: The largest $n$ is 34.", "boxed", "34", "answer_phrase"),
    ("Therefore $x \\geq 5$ is the solution.", "boxed", "x \\geq 5", "math"),
    ("Answer \\[ 9 \\]", "boxed", "9", "math"),
    ("Answer \\( 9 \\)", "boxed", "9", "math"),
    ("$$ 9 $$", "boxed", "9", "math"),
    ("so we get\n$$\nx = 12\n$$", "boxed", "x = 12", "math"),
    ("\\boxed{3} so. The answer is 4", "boxed", "3", "boxed"),
    ("The answer is 4. Indeed $x = 5$.", "boxed", "4", "answer_phrase"),
    ("We have $a=3$. So the total is 12 apples.", "last_number", "a=3", "math"),
    ("The total is 12 apples.", "boxed", None, None),
    ("The total is 12 apples.", "last_number", "12", "last_number"),
    ("The total is 1,250 or 1,22 apples.", "last_number", "22", "last_number"),
    ("\\boxed{1} and \\boxed{2}", "boxed", "1, 2", "boxed"),
    ("$\\boxed{(2,2)} \\quad \\text{and} \\quad \\boxed{(6,2)}$", "boxed", "(2,2), (6,2)", "boxed"),
    ("\\boxed{3}, \\boxed{4} \\text{ or } \\boxed{5}", "boxed", "3, 4, 5", "boxed"),
    ("\\boxed{5} and \\boxed{5}", "boxed", "5", "boxed"),
    ("\\boxed{1}. Then we see that it must be \\boxed{2}", "boxed", "2", "boxed"),
    ("The roots are $1$ and $2$ and $3$.", "boxed", "1, 2, 3", "math"),
    ("$x=1$ or $x=-1$", "boxed", "x=1, x=-1", "math"),
    ("It costs $5 and $6 more.", "boxed", None, None),
    ("It costs $5 and $6 more.", "last_number", "6", "last_number"),
    ("She paid $68 + $80 = $148 in total.", "last_number", "148", "last_number"),
    ("It costs $5 or $6.", "last_number", "6", "last_number"),
    ("So we get $2 n^2-2 n+1$ in the end.", "boxed", "2 n^2-2 n+1", "math"),
    ("She paid $68 + $80 = $148 in total, so $x = 148$.", "boxed", "x = 148", "math"),
    ("**Final Answer**\n\n\\[\n\\boxed{42}\n\\]", "boxed", "42", "boxed"),
    ("**Final Answer:** 42", "boxed", "42", "answer_phrase"),
    ("Answer: 7", "boxed", "7", "answer_phrase"),
    ("The final answer is $\\frac{1}{2}$. I hope it is correct.", "boxed", "\\frac{1}{2}", "answer_phrase"),
    ("Final answer: There are 5 ways.", "boxed", "5 ways", "answer_phrase"),
    ("the answer is \\(x = 3\\).", "boxed", "x = 3", "answer_phrase"),
    ("Thus, the answer is: 1,000.", "boxed", "1,000", "answer_phrase"),
    ("The answer is\n\\[ 12 \\]", "boxed", "12", "answer_phrase"),
    ("The answer is $5$. So the ratio is 3.14.", "last_number", "5", "answer_phrase"),
    ("I think it's 5, no wait, it's $6$.", "boxed", "6", "math"),
    ("The area is $A = 12\\text{ cm}^2$.", "boxed", "A = 12\\text{ cm}^2", "math"),
    ("\\[ \\frac{3}{4} \\]", "boxed", "\\frac{3}{4}", "math"),
    ("Final Answer: $\\boxed{34}$", "boxed", "34", "boxed"),
    ("The answer is (B).", "multichoice", "B", "answer_phrase"),
    ("blah \\boxed{unclosed", "boxed", None, None),
    ("Answer \\[ 9 \\]", "boxed_strict", None, None),
    ("\\boxed{1} and \\boxed{2}", "boxed_strict", "2", "boxed_strict"),
    ("x\n#### 18\nso $\\boxed{19}$", "gsm8k", "18", "gsm8k"),
]


@pytest.mark.parametrize(("text", "extraction", "answer", "rule"), RULE_CASES)
def test_priority_rules_and_the_rule_that_fired(text: str, extraction: str, answer: str | None, rule: str | None) -> None:
    found = extract_answer(text, extraction=extraction)
    assert found == answer
    assert getattr(found, "rule", None) == rule


def test_extraction_is_configurable_per_call() -> None:
    text = "We get $x = 2$, so the answer is 3. In total 4 apples."
    assert extract_answer(text, extraction=Extraction("math_only", ("math",))) == "x = 2"
    assert extract_answer(text, extraction=Extraction("numbers", ("last_number",))) == "4"
    assert extract_answer(text) == "3"
    with pytest.raises(ValueError, match="unknown rule"):
        Extraction("bad", ("boxed", "nope"))
    with pytest.raises(ValueError, match="regex"):
        Extraction("bad", ("regex",))


def test_extracted_answer_is_a_plain_string_for_callers() -> None:
    import json
    import pickle

    found = extract_answer("so $\\boxed{5}$")
    assert isinstance(found, str) and found == "5" and found.rule == "boxed"
    assert json.dumps({"predicted_answer": found}) == '{"predicted_answer": "5"}'
    assert pickle.loads(pickle.dumps(found)).rule == "boxed"


def test_math_span_scan_is_linear_on_unclosed_delimiters() -> None:
    import time

    for text in ("\\[" * 50_000, "$" + "\\(" * 50_000, "\\boxed{" * 20_000):
        started = time.perf_counter()
        extract_answer(text)
        assert time.perf_counter() - started < 2.0

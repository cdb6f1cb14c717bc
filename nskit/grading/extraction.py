"""Answer extraction from model text, configurable per benchmark and per call.

An `Extraction` names rules from `RULES`, tried in order; the first rule that finds an answer wins, and the answer
(an `ExtractedAnswer`, a `str`) remembers which rule fired in `.rule`. Benchmark adapters name one of `EXTRACTIONS`
(or build their own `Extraction`). No answer found -> `None`, which the metrics count as `no_answer`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from nskit.errors import UserError
from nskit.grading.spans import boxed_chain, join_answers, last_boxed, last_math_chain, strip_math_delimiters

_ANSWER_PHRASE = re.compile(
    r"^.*(?:\bfinal\s+answer|\bthe\s+(?:correct\s+)?answer|^[\s*#_>]*answer)[\s*_]*(?:\bis\b|:|=)[\s*_]*[:\-]?\s*(.+?)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_SENTENCE_END = re.compile(r"[.!?](?:\s+[A-Z]|\s*$)")
_COPULA = re.compile(r"\b(?:is|are|equals|was|were|be)\b\s*:?\s*", re.IGNORECASE)
_GSM8K = re.compile(r"####\s*(.+?)\s*$", re.MULTILINE)
_NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?|-?\.\d+")
_LETTER = re.compile(r"(?:^|[\s(\[{*:])\(?([A-J])\)?(?=$|[\s).,:;\]}]|\*(?![\w(\\]))")  # "E*2" is no letter
_TRAILING = ".,;:。"  # sentence punctuation after an answer is not part of it


class ExtractedAnswer(str):
    """An extracted answer: the answer text itself (a `str`), plus `rule`, the name of the rule that found it."""

    rule: str

    def __new__(cls, answer: str, rule: str) -> ExtractedAnswer:
        value = super().__new__(cls, answer)
        value.rule = rule
        return value

    def __reduce__(self) -> tuple:
        return (ExtractedAnswer, (str(self), self.rule))


@dataclass(frozen=True)
class Extraction:
    """Where to look for the final answer: `rules` (names from `RULES`) in order; the first hit wins.

    - `regex`: the pattern of the `regex` rule (group 1 of its last match is the answer).
    - `letter`: reduce the answer found (or the whole text) to a multiple-choice letter A-J.
    """

    name: str = "boxed"
    rules: tuple[str, ...] = ("boxed", "answer_phrase", "math")
    regex: str | None = None
    letter: bool = False

    def __post_init__(self) -> None:
        unknown = [rule for rule in self.rules if rule not in RULES]
        if unknown:
            raise ValueError(f"extraction {self.name!r}: unknown rule(s) {unknown}; known: {', '.join(RULES)}")
        if ("regex" in self.rules) != (self.regex is not None):
            raise ValueError(f"extraction {self.name!r}: the 'regex' rule and the regex= pattern go together")


def _gsm8k(text: str, config: Extraction) -> str | None:
    """The last `#### N` line (GSM8K reference format), thousands commas removed."""
    matches = _GSM8K.findall(text)
    return matches[-1].replace(",", "") if matches else None


def _boxed(text: str, config: Extraction) -> str | None:
    """The last `\\boxed{}`/`\\fbox{}`; boxes joined to it by "and"/","/"or" make a list (`\\boxed{1} and \\boxed{2}`)."""
    chain = boxed_chain(text)
    return None if chain is None else join_answers([_clean(part) or "" for part in chain])


def _boxed_strict(text: str, config: Extraction) -> str | None:
    """Only the content of the last `\\boxed{}` (no lists, no fallback), as nskit's NeMo-Skills-style extraction."""
    return last_boxed(text)


def _regex(text: str, config: Extraction) -> str | None:
    """Group 1 of the last match of `config.regex`."""
    assert config.regex is not None
    matches = list(re.finditer(config.regex, text, re.MULTILINE))
    return matches[-1].group(1) if matches else None


def _answer_phrase(text: str, config: Extraction) -> str | None:
    """The last explicit statement: "The (final) answer is X", "Final Answer: X", "Answer: X"."""
    matches = _ANSWER_PHRASE.findall(text)
    if not matches:
        return None
    stated = matches[-1]
    chain = boxed_chain(stated)
    if chain is not None:
        return join_answers(chain)
    return _statement_value(stated)


def _statement_value(stated: str) -> str:
    """`$8$. I hope it is correct.` -> `8`; `The largest $n$ is 34.` -> `34`; `34 cm.` -> `34 cm`."""
    stated = stated.strip()
    chain = last_math_chain(stated)
    spans_first = stated.startswith(("$", "\\(", "\\["))
    if spans_first and chain is not None:
        head = last_math_chain(_first_sentence(stated))
        return join_answers(head if head is not None else chain)
    sentence = _first_sentence(stated)
    copulas = list(_COPULA.finditer(sentence))
    if copulas and copulas[-1].end() < len(sentence):
        return sentence[copulas[-1].end() :]
    return sentence


def _first_sentence(text: str) -> str:
    match = _SENTENCE_END.search(text)
    while match and text[match.start() - 1 : match.start()].isdigit() and text[match.start() + 1 : match.start() + 2].isdigit():
        match = _SENTENCE_END.search(text, match.end())
    return text[: match.start()] if match else text


def _math(text: str, config: Extraction) -> str | None:
    """The last math span (`$..$`, `$$..$$`, `\\(..\\)`, `\\[..\\]`), with the spans a connector joins to it."""
    chain = last_math_chain(text)
    return None if chain is None else join_answers(chain)


def _last_number(text: str, config: Extraction) -> str | None:
    """The last number in the text (thousands separators removed); for numeric benchmarks."""
    numbers = _NUMBER.findall(text)
    return numbers[-1].replace(",", "") if numbers else None


RULES: dict[str, Callable[[str, Extraction], str | None]] = {
    "gsm8k": _gsm8k,
    "boxed": _boxed,
    "boxed_strict": _boxed_strict,
    "regex": _regex,
    "answer_phrase": _answer_phrase,
    "math": _math,
    "last_number": _last_number,
}
_PRIORITY = ("boxed", "answer_phrase", "math")

EXTRACTIONS: dict[str, Extraction] = {
    # last \boxed{}, else "the answer is X" / "Final Answer: X", else the last math span
    "boxed": Extraction("boxed", _PRIORITY),
    # NeMo-Skills' own behaviour: only the last \boxed{}, nothing else.
    "boxed_strict": Extraction("boxed_strict", ("boxed_strict",)),
    "gsm8k": Extraction("gsm8k", ("gsm8k", *_PRIORITY, "last_number")),
    "answer_is": Extraction("answer_is", ("answer_phrase",)),
    # for numeric benchmarks: as `boxed`, then the last number in the text
    "last_number": Extraction("last_number", (*_PRIORITY, "last_number")),
    "multichoice": Extraction("multichoice", _PRIORITY, letter=True),
}


def get_extraction(extraction: str | Extraction) -> Extraction:
    """Resolve an extraction name (see `EXTRACTIONS`) or pass an `Extraction` through."""
    if isinstance(extraction, Extraction):
        return extraction
    try:
        return EXTRACTIONS[extraction]
    except KeyError:
        raise UserError(f"unknown extraction {extraction!r}; known: {', '.join(EXTRACTIONS)}") from None


def extract_answer(text: str | None, extraction: str | Extraction = "boxed") -> ExtractedAnswer | None:
    """The final answer in `text` according to `extraction` (name or object), or None when there is none.

    The result is a `str` whose `.rule` names the rule that fired (`boxed`, `answer_phrase`, `math`, ...).
    Works on raw model output and on short answer strings alike (`"\\\\boxed{5}"`, `"The answer is $5$."`).
    The answer keeps its LaTeX; `$...$` wrappers and trailing sentence punctuation are removed.
    """
    if not text:
        return None
    config = get_extraction(extraction)
    for rule in config.rules:
        found = RULES[rule](text, config)
        if found is None:
            continue
        answer = _clean(found)
        if answer is None:
            continue
        if config.letter:
            letter = to_letter(answer)
            return None if letter is None else ExtractedAnswer(letter, rule)
        return ExtractedAnswer(answer, rule)
    if config.letter:
        letter = to_letter(text)
        return None if letter is None else ExtractedAnswer(letter, "letter")
    return None


def _clean(answer: str) -> str | None:
    answer = answer.strip()
    answer = strip_math_delimiters(answer).strip()
    if not answer.endswith("\\right."):
        answer = answer.rstrip(_TRAILING).strip()
    answer = strip_math_delimiters(answer).strip()
    return answer or None


def to_letter(answer: str | None) -> str | None:
    """Reduce an answer to a multiple-choice letter: `B`, `(B)`, `\\text{(B)}`, `(B) 12`, `\\textbf{(B)}` -> `B`."""
    if not answer:
        return None
    plain = re.sub(r"\\(?:text|textbf|mathrm|mathbf|mbox)\s*\{([^{}]*)\}", r"\1", answer).strip()
    plain = plain.strip("$ ")
    if len(plain) == 1 and plain.isalpha() and plain.upper() in "ABCDEFGHIJ":
        return plain.upper()
    matches = _LETTER.findall(plain)
    return matches[-1] if matches else None


__all__ = [
    "EXTRACTIONS",
    "RULES",
    "ExtractedAnswer",
    "Extraction",
    "extract_answer",
    "get_extraction",
    "last_boxed",
    "strip_math_delimiters",
    "to_letter",
]

"""Answer extraction from model text, configurable per benchmark.

An `Extraction` names the places an answer is looked for, in order; the first place that yields an answer wins.
Benchmark adapters name one of `EXTRACTIONS` (or build their own `Extraction`). No answer found -> `None`, which
the metrics count as `no_answer`, never as a wrong string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nskit.errors import UserError

_BOX_COMMANDS = ("\\boxed", "\\fbox")
_ANSWER_IS = re.compile(
    r"^.*(?:final answer|the answer)\s*(?:is|:)\s*[:\-]?\s*(.+?)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_SENTENCE_END = re.compile(r"[.!?]\s+[A-Z]")
_GSM8K = re.compile(r"####\s*(.+?)\s*$", re.MULTILINE)
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+")
_LETTER = re.compile(r"(?:^|[\s(\[{*:])\(?([A-J])\)?(?=$|[\s).,:;*\]}])")
_TRAILING = ".,;:。"  # sentence punctuation after an answer is not part of it


@dataclass(frozen=True)
class Extraction:
    """Where to look for the final answer, in order of the fields below; the first hit wins.

    - `boxed`: the last `\\boxed{...}` / `\\fbox{...}` (nested braces, `\\boxed 5` without braces).
    - `gsm8k`: the last `#### N` line (GSM8K reference format), tried before `\\boxed`.
    - `regex`: a custom pattern; group 1 of its last match is the answer.
    - `answer_is`: "The (final) answer is X" / "Final answer: X" (last one).
    - `last_number`: the last number in the text.
    - `letter`: reduce the answer found (or the text) to a multiple-choice letter A-J.
    """

    name: str = "boxed"
    boxed: bool = True
    gsm8k: bool = False
    regex: str | None = None
    answer_is: bool = True
    last_number: bool = False
    letter: bool = False


EXTRACTIONS: dict[str, Extraction] = {
    "boxed": Extraction("boxed"),
    # NeMo-Skills' own behaviour: only the last \boxed{}, nothing else.
    "boxed_strict": Extraction("boxed_strict", answer_is=False),
    "gsm8k": Extraction("gsm8k", gsm8k=True),
    "answer_is": Extraction("answer_is", boxed=False),
    "last_number": Extraction("last_number", last_number=True),
    "multichoice": Extraction("multichoice", letter=True),
}


def get_extraction(extraction: str | Extraction) -> Extraction:
    """Resolve an extraction name (see `EXTRACTIONS`) or pass an `Extraction` through."""
    if isinstance(extraction, Extraction):
        return extraction
    try:
        return EXTRACTIONS[extraction]
    except KeyError:
        raise UserError(f"unknown extraction {extraction!r}; known: {', '.join(EXTRACTIONS)}") from None


def extract_answer(text: str | None, extraction: str | Extraction = "boxed") -> str | None:
    """The final answer in `text` according to `extraction` (name or object), or None when there is none.

    Works on raw model output and on short answer strings alike (`"\\\\boxed{5}"`, `"The answer is $5$."`).
    The result keeps its LaTeX; `$...$` wrappers and trailing sentence punctuation are removed.
    """
    if not text:
        return None
    config = get_extraction(extraction)
    found = _find(text, config)
    if config.letter:
        return to_letter(found if found is not None else text)
    return found


def _find(text: str, config: Extraction) -> str | None:
    if config.gsm8k:
        matches = _GSM8K.findall(text)
        if matches:
            return _clean(matches[-1].replace(",", ""))
    if config.boxed:
        boxed = last_boxed(text)
        if boxed is not None:
            return _clean(boxed)
    if config.regex:
        matches = list(re.finditer(config.regex, text, re.MULTILINE))
        if matches:
            return _clean(matches[-1].group(1))
    if config.answer_is:
        matches = _ANSWER_IS.findall(text)
        if matches:
            inner = last_boxed(matches[-1])
            return _clean(inner if inner is not None else _first_statement(matches[-1]))
    if config.last_number:
        numbers = _NUMBER.findall(text)
        if numbers:
            return numbers[-1].replace(",", "")
    return None


def last_boxed(text: str) -> str | None:
    """The content of the last `\\boxed`/`\\fbox` in `text`; None when there is none or it is never closed."""
    start = max(text.rfind(command) for command in _BOX_COMMANDS)
    if start < 0:
        return None
    command = next(c for c in _BOX_COMMANDS if text.startswith(c, start))
    position = start + len(command)
    rest = text[position:]
    stripped = rest.lstrip()
    if stripped.startswith("{"):
        return _braced(text, position + len(rest) - len(stripped))
    if rest[:1].isspace():
        # `\boxed 5`: one token, up to whitespace or the end of the math
        match = re.match(r"\s*([^\s$]+)", rest)
        return match.group(1) if match else None
    return None


def _braced(text: str, open_index: int) -> str | None:
    """The text between the brace at `open_index` and its partner; escaped braces `\\{` `\\}` do not count."""
    depth = 0
    index = open_index
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[open_index + 1 : index]
        index += 1
    return None


def _first_statement(answer: str) -> str:
    """`$8$. I hope it is correct.` -> `$8$`: a math span at the start, else the text up to the sentence end."""
    for delimiter in ("$$", "$"):
        if answer.startswith(delimiter):
            end = answer.find(delimiter, len(delimiter))
            if end > 0:
                return answer[: end + len(delimiter)]
    match = _SENTENCE_END.search(answer)
    return answer[: match.start()] if match else answer


def _clean(answer: str) -> str | None:
    answer = answer.strip()
    answer = strip_math_delimiters(answer).strip()
    if not answer.endswith("\\right."):
        answer = answer.rstrip(_TRAILING).strip()
    answer = strip_math_delimiters(answer).strip()
    return answer or None


def strip_math_delimiters(answer: str) -> str:
    """Remove one layer of `$...$`, `$$...$$`, `\\(...\\)` or `\\[...\\]` around a whole answer."""
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if answer.startswith(left) and answer.endswith(right) and len(answer) >= len(left) + len(right):
            inner = answer[len(left) : len(answer) - len(right)]
            if left == "$" and "$" in inner:
                continue
            return inner
    if answer.count("$") - answer.count("\\$") == 1:
        # "$5" is a currency sign, "5$" or "is $5" a lost delimiter: either way the sign is not part of the answer
        return answer.replace("\\$", "\x00").replace("$", "").replace("\x00", "\\$")
    return answer


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

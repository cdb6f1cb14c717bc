"""Cheap string normalisation of answers: the fast path that settles most comparisons without sympy.

Everything here is linear-time string work (no backtracking-prone regexes on unbounded input), so it is safe to
run on adversarial text in-process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from nskit.grading.extraction import Extraction, extract_answer
from nskit.grading.relations import as_intervals
from nskit.grading.spans import braced, only_math, strip_math_delimiters
from nskit.grading.structure import split_top
from nskit.grading.written import (
    clock_time,
    decimal_comma,
    degrees_in_trig,
    implicit_product,
    mixed_number,
    several_answers,
    systems,
)

_UNICODE = {
    "−": "-", "–": "-", "—": "-", "×": "\\times ", "·": "\\cdot ", "÷": "\\div ", "√": "\\sqrt", "π": "\\pi ",
    "∞": "\\infty ", "≤": "\\le ", "≥": "\\ge ", "≠": "\\ne ", "±": "\\pm ", "∓": "\\mp ", "∪": "\\cup ",
    "∩": "\\cap ", "∈": "\\in ", "°": "^\\circ", "，": ",", "：": ":", "\u00a0": " ", "\u2009": " ",
    "²": "^2", "³": "^3", "€": "", "£": "", "¥": "", "∣": "|",
}
# one spelling per relation operator and absolute-value bar; currency commands dropped
_OPERATORS = {
    "\\neq": "\\ne ", "!=": "\\ne ", "\\geq": "\\ge ", "\\geqslant": "\\ge ", ">=": "\\ge ", "=>": "\\ge ",
    "\\leq": "\\le ", "\\leqslant": "\\le ", "<=": "\\le ", "=<": "\\le ", "\\lt": "<", "\\gt": ">",
    "\\lvert": "|", "\\rvert": "|", "\\vert": "|", "\\mid": "|", "\\euro": "", "\\pounds": "",
}
_OPERATORS_RE = re.compile(
    "|".join(re.escape(k) + ("(?![a-zA-Z])" if k[-1].isalpha() else "") for k in sorted(_OPERATORS, key=len, reverse=True))
)
_UNICODE_RE = re.compile("|".join(map(re.escape, _UNICODE)))
# spacing and sizing commands that never change a value
_NOISE = re.compile(
    r"(?<!\\)\\(?:left|right|big|Big|bigg|Bigg|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr)(?![a-zA-Z])"
    r"|(?<!\\)\\(?:displaystyle|textstyle|scriptstyle|limits|nolimits)(?![a-zA-Z])"
    r"|(?<!\\)\\(?:quad|qquad|,|;|:|!| |>)(?![a-zA-Z])|\\(?:hspace|vspace)\*?\{[^{}]*\}|~"
)
_FRAC_ALIASES = re.compile(r"\\[dt]frac(?![a-zA-Z])|\\cfrac(?![a-zA-Z])")
_BINOM_ALIASES = re.compile(r"\\[dt]binom(?![a-zA-Z])")
_TEXT_ALIASES = re.compile(r"\\(?:textrm|textnormal|textup|mbox)\s*\{")
_DEGREES = re.compile(r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ(?![a-zA-Z])|\\degree(?![a-zA-Z])|\^\s*\{\s*o\s*\}")
_PERCENT = re.compile(r"\\?%\s*$")
_TEXT_CMD = re.compile(
    r"\\(?:text|textbf|textit|textrm|textnormal|mbox|mathrm|mathbf|mathit|mathcal|rm|bf|operatorname)\s*\{"
)
_INFINITY = re.compile(r"\\inf(?:ty)?(?![a-zA-Z])|\binfinity\b|\binf\b")
_SPACES = re.compile(r"\s+")
_TRAILING_UNIT = re.compile(
    r"^(?P<head>.*?[\d}.])\s*(?P<unit>(?:\\(?:text|mbox|mathrm|textrm|textbf|mathbf|textit)\s*\{[^{}]*\}|(?<=\s)[a-zA-Z]{2,}(?:\s+[a-zA-Z]+)*"
    r"|(?<=\s)[mgsL])"
    r"(?:\s*\^\s*\{?\s*[23]\s*\}?)?)\s*$",
    re.DOTALL,
)
_ARITHMETIC = re.compile(r"\\(?:frac|dfrac|cdot|times|div|sqrt|pi)(?![a-zA-Z])")
_LETTERS = re.compile(r"[a-zA-Z]")
_REALS = {"\\mathbb{R}", "\\mathbb R", "\\R", "\\mathbf{R}", "ℝ"}
_EMPTY = {"\\varnothing", "\\emptyset", "\\{\\}", "\\{ \\}", "∅", "\\O"}
_SET_BUILDER = re.compile(r"^\\\{\s*(?P<var>[a-zA-Z])\s*(?:\||:)\s*(?P<condition>.*\S)\s*\\\}$", re.DOTALL)
_SHORT_POWER = re.compile(r"\^\s*([0-9a-zA-Z])(?![0-9])")
_STATED = Extraction("stated", ("boxed", "answer_phrase"))  # how expected answers are unwrapped
_VARIABLE = r"(?:[a-zA-Z]|\\[a-zA-Z]+|\\math(?:bf|rm|it)\{[a-zA-Z]\}|\\vec\{[a-zA-Z]\})(?:_\{[^{}=]*\}|_[a-zA-Z0-9])?"
_ASSIGNMENT = re.compile(
    rf"^\s*(?P<lhs>{_VARIABLE}(?:\s*\(\s*[a-zA-Z]\s*\))?|\(\s*{_VARIABLE}(?:\s*,\s*{_VARIABLE})+\s*\))"
    r"\s*(?P<op>=|\\in(?![a-zA-Z]))\s*(?P<rhs>.+)$",
    re.DOTALL,
)


@dataclass(frozen=True)
class Normalized:
    """An answer after normalisation: the LaTeX body plus the markers that were stripped from it."""

    text: str
    percent: bool = False
    degrees: bool = False
    lhs: str | None = None  # "x" for "x = 3", "x \in [1,2]", "x \ge 5"; "(p,q)" for "p=3, q=2"
    decimal_comma: Fraction | None = None  # the value of "1,22" read with a decimal comma


def unwrap(answer: str, *, spans: bool = True) -> str:
    """Reduce raw model text or a bare answer to the answer itself: last `\\boxed{}` content, no `$...$`.

    With `spans`, text with math spans after words or several spans ("so $x=5$", "$1$ and $2$") is reduced to
    its last math span(s), as the `boxed` extraction does; without, only boxes and "the answer is" are looked for.
    """
    answer = answer.strip()
    boxed = "\\boxed" in answer or "\\fbox" in answer
    if boxed or "answer" in answer.lower() or (spans and _several_spans(answer)):
        found = None if boxed or not spans else only_math(answer)
        found = found if found is not None else extract_answer(answer, "boxed" if spans else _STATED)
        if found is not None:
            answer = found
    answer = strip_math_delimiters(answer).strip()
    return answer.rstrip(".;。").strip() if not answer.endswith("\\.") else answer


def readings(answer: str) -> list[str]:
    """The bare answers a prediction may stand for: its extracted answer, then the text without math delimiters
    when that differs (a sentence with `$` signs may be one answer: `$f(x)=ax+b$, where $b$ is an integer`)."""
    first = unwrap(answer)
    plain = unwrap(answer, spans=False)
    return [first] if plain == first or not _several_spans(answer.strip()) else [first, plain]


def _several_spans(answer: str) -> bool:
    """Text with two or more math spans ("$1$ and $2$") or a delimited span after words ("so $x=5$")."""
    dollars = answer.count("$") - answer.count("\\$")
    return dollars > 2 or "\\[" in answer or "\\(" in answer or (dollars == 2 and not answer.startswith("$"))


def normalize(answer: str) -> Normalized:
    """Normalise a bare answer (see `unwrap`) into comparable LaTeX plus percent/degree/assignment markers."""
    text = _UNICODE_RE.sub(lambda m: _UNICODE[m.group(0)], answer)
    text = _OPERATORS_RE.sub(lambda m: _OPERATORS[m.group(0)], text)
    text = _NOISE.sub(" ", text)
    text = _FRAC_ALIASES.sub(r"\\frac", text)
    text = _BINOM_ALIASES.sub(r"\\binom", text)
    text = _TEXT_ALIASES.sub(r"\\text{", text)
    text = text.replace("\\$", "").replace("$", "")
    text = _INFINITY.sub(r"\\infty", text).strip()
    if text.endswith("\\") and not text.endswith("\\\\"):
        text = text[:-1].strip()  # a stray trailing backslash ("185\")
    text = _outer_braces(text)
    if text.endswith(".") and not text.endswith("\\."):
        text = text[:-1].rstrip()  # "{2 seconds.}": the sentence's period was inside the braces
    if text.startswith("\\text{") and text.endswith("}") and text.count("{") == 1:
        text = text[6:-1]  # one \text{...} around the whole answer: "\text{(B), (C)}"
    seconds = clock_time(text)
    if seconds is not None:
        return Normalized(f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}")
    text, in_trig = degrees_in_trig(text)
    degrees = False
    if not in_trig and ("circ" in text or "degree" in text or "^{o}" in text):
        text, count = _DEGREES.subn("", text)
        degrees = count > 0
    text = text.strip()
    for word in ("degrees", "degree"):
        if text.endswith(word) and text[: -len(word)].rstrip()[-1:].isdigit():
            text, degrees = text[: -len(word)], True
    percent = False
    if "%" in text:
        stripped = _PERCENT.sub("", text)
        if stripped != text:
            text, percent = stripped, True
    if "percent" in text and text.endswith("percent"):
        text, percent = text[: -len("percent")], True
    text = _named_sets(systems(text))
    relation = as_intervals(text) if len(text) <= 300 else None
    if relation is not None:
        return Normalized(_squash(relation[1]), percent, degrees, _squash(relation[0]))
    text = implicit_product(mixed_number(several_answers(text)))
    if "^" in text:
        text = _SHORT_POWER.sub(r"^{\1}", text)  # "c^2M" is "c^{2}M" (not "2M" read as one number later)
    text = strip_units(_computed_value(text))
    comma = decimal_comma(text.strip())
    lhs = None
    match = _ASSIGNMENT.match(text) if ("=" in text or "\\in" in text) else None
    if match and "=" not in match.group("rhs") and not _is_relation_word(match.group("lhs")):
        lhs, text = _squash(match.group("lhs")), strip_units(match.group("rhs"))
    text = _squash(text)
    text = text.rstrip(".").rstrip("\\") if text.endswith(".") and not text.endswith("\\.") else text
    if lhs is None and "=" in text:
        lhs, text = _named_tuple(text) or (None, text)
    return Normalized(text, percent, degrees, lhs, comma)


def _named_sets(text: str) -> str:
    """`\\mathbb{R}` -> `(-\\infty,\\infty)`; `\\varnothing`, `\\{\\}` -> `\\emptyset`; `\\{x \\mid x > 3\\}` -> `x > 3`."""
    stripped = text.strip()
    if stripped in _REALS:
        return "(-\\infty,\\infty)"
    if stripped in _EMPTY:
        return "\\emptyset"
    match = _SET_BUILDER.match(stripped)
    return match.group("condition") if match else text


def _computed_value(text: str) -> str:
    """`60 * 3 = 180 meters` -> `180 meters`: a worked computation of constants ends in its value."""
    if "=" not in text or "," in text or "\\begin" in text:
        return text
    work, _, value = text.rpartition("=")
    if not value.strip() or _LETTERS.search(_ARITHMETIC.sub("", work)) or not re.search(r"\d", work):
        return text
    return value.strip()


def _outer_braces(text: str) -> str:
    """`{6 - 5i}` -> `6 - 5i`: braces around the whole answer only group (a set is written `\\{...\\}`)."""
    text = text.strip()
    while text.startswith("{") and text.endswith("}") and braced(text, 0) == text[1:-1]:
        text = text[1:-1].strip()
    return text


def _named_tuple(text: str) -> tuple[str, str] | None:
    """`k=45,n=2` -> ("(k,n)", "(45,2)"): a list of values given to distinct variables, in the written order."""
    items = split_top(text, ",")
    if len(items) < 2 or len(items) > 16:
        return None
    names, values = [], []
    for item in items:
        match = _ASSIGNMENT.match(item)
        if match is None or match.group("op") != "=" or "=" in match.group("rhs") or match.group("lhs").startswith("("):
            return None
        names.append(match.group("lhs"))
        values.append(match.group("rhs"))
    if len(set(names)) != len(names):
        return None
    return f"({','.join(names)})", f"({','.join(values)})"


def _is_relation_word(lhs: str) -> bool:
    return lhs.startswith("\\") and lhs[1:] in {"le", "ge", "leq", "geq", "lt", "gt", "ne", "neq", "approx", "pm"}


def strip_units(text: str) -> str:
    """Drop a unit after a value (`5.4 \\text{ cents}`, `15\\mbox{ cm}^2`, `18 dollars`); a text-only answer stays."""
    if len(text) > 300:  # the unit pattern backtracks; long strings are not "value + unit" anyway
        return text
    match = _TRAILING_UNIT.match(text)
    if match and _looks_numeric(match.group("head")):
        return match.group("head").strip()
    return text


def _looks_numeric(head: str) -> bool:
    head = head.strip()
    return bool(head) and not re.search(r"[a-zA-Z](?<!\\frac)", head.replace("\\frac", "").replace("\\sqrt", "")
                                         .replace("\\pi", "").replace("\\times", "").replace("\\cdot", ""))


def plain_text(text: str) -> str | None:
    """The words of a text answer (`\\text{Evelyn}`, `east`) lower-cased, or None when it is math."""
    if _TEXT_CMD.search(text):
        text = _unwrap_text_commands(text)
    text = text.strip().strip("()").strip()
    if re.fullmatch(r"[A-Za-z][A-Za-z '\-]*[A-Za-z]", text) and (" " in text or len(text) > 3 or text.isupper()):
        return " ".join(text.lower().split())
    return None


def _unwrap_text_commands(text: str) -> str:
    """Replace `\\text{abc}` (and friends) by `abc`; nested braces inside are kept."""
    out: list[str] = []
    position = 0
    for match in _TEXT_CMD.finditer(text):
        if match.start() < position:
            continue
        out.append(text[position : match.start()])
        depth, index = 1, match.end()
        while index < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            index += 1
        out.append(text[match.end() : index - 1 if depth == 0 else index])
        position = index
    out.append(text[position:])
    return "".join(out)


def _squash(text: str) -> str:
    """Remove whitespace, except one space between two letters (`\\cot x` must not become `\\cotx`)."""
    text = text.strip()
    if not text:
        return text
    parts = _SPACES.split(text)
    out = [parts[0]]
    for part in parts[1:]:
        if not part:
            continue
        if out[-1][-1:].isalpha() and part[0].isalpha():
            out.append(" ")
        out.append(part)
    return "".join(out)


def clean_text_commands(text: str) -> str:
    """`\\text{...}`-style wrappers removed (kept content), for the symbolic parser."""
    return _unwrap_text_commands(text) if _TEXT_CMD.search(text) else text

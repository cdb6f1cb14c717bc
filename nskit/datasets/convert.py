"""Helpers that adapters share to turn upstream fields into benchmark records."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from nskit.datasets.errors import ConversionError

_INTEGER = re.compile(r"[+-]?\d+")


def number_text(value: int | float | str, where: str) -> str:
    """A numeric answer as text: integral values without `.0` (`27.0` -> `27`), others to 15 significant digits.

    15 significant digits (what a double holds reliably) remove binary noise such as `3244047.0999999996`
    (-> `3244047.1`) from answers upstream computed in floating point, and keep every digit upstream meant
    (`0.6666666667`). The text never uses exponent notation.
    """
    if isinstance(value, str):
        try:
            value = float(value.replace(",", ""))
        except ValueError:
            raise ConversionError(where, f"answer {value!r} is not a number") from None
    if isinstance(value, bool) or not math.isfinite(value):
        raise ConversionError(where, f"answer {value!r} is not a finite number")
    if float(value).is_integer():
        return str(int(value))
    return format(Decimal(format(float(value), ".15g")), "f")


def strip_leading_zeros(answer: str) -> str:
    """An integer answer without zero padding (AIME's `073` -> `73`); anything else unchanged."""
    answer = answer.strip()
    return str(int(answer)) if _INTEGER.fullmatch(answer) else answer


def strip_math_delimiters(answer: str) -> str:
    """Remove `$` math delimiters from an answer string, and a full stop that follows the last one.

    `$\\frac{1}{2}$` -> `\\frac{1}{2}`; `$69$,$84$` -> `69,84`; `$(-\\infty, 0) \\cup\\{1\\}$.` -> the set
    without the stop. An escaped dollar (`\\$`) is a currency sign and is kept.
    """
    answer = answer.strip()
    if answer.endswith("$."):
        answer = answer[:-1]
    return re.sub(r"(?<!\\)\$", "", answer).strip()


def boxed_answer(solution: str, where: str) -> str:
    """The answer in the last `\\boxed{...}` of a reference solution (nested braces), via the grader's extractor."""
    from nskit.grading import extract_answer

    answer = extract_answer(solution, "boxed_strict")
    if answer is None or not answer.strip():
        raise ConversionError(where, "no \\boxed{} answer in the reference solution")
    return answer.strip()

"""Exact parsing of plain numbers (the fast path): integers, decimals, fractions, mixed numbers, scientific notation.

Works on normalised text (see `normalize`). Returns `None` for anything that is not a plain number so the caller
goes on to the structural and symbolic rules. Exponents are bounded so that `1e999999999` cannot build a
gigantic integer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

MAX_EXPONENT = 400
MAX_DIGITS = 400
RELATIVE = Fraction(1, 10_000)
_INT = r"\d+|\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})+,\d{3}"  # 1,234,567 and Indian 12,34,567
_DECIMAL = rf"(?:{_INT})(?:\.\d*)?|\.\d+"
_PLAIN = re.compile(rf"(?P<sign>[+-]?)(?P<num>{_DECIMAL})(?:[eE](?P<exp>[+-]?\d+))?")
_TIMES_TEN = re.compile(rf"(?P<sign>[+-]?)(?P<num>{_DECIMAL})(?:\\times|\\cdot|\*|x)10\^(?:\{{(?P<e1>[+-]?\d+)\}}|(?P<e2>\d))")
_POWER_OF_TEN = re.compile(r"(?P<sign>[+-]?)10\^(?:\{(?P<e1>[+-]?\d+)\}|(?P<e2>\d))")
_FRAC = re.compile(
    r"(?P<sign>[+-]?)(?P<whole>\d+)?\\frac(?:\{(?P<fsign>[+-]?)(?P<n1>\d+)\}|(?P<n2>\d))(?:\{(?P<d1>\d+)\}|(?P<d2>\d))"
)
_SLASH = re.compile(r"(?P<sign>[+-]?)\(?(?P<n>\d+)\)?/\(?(?P<d>\d+)\)?")
_REPEATING = re.compile(r"(?P<sign>[+-]?)(?P<whole>\d*)\.(?P<fixed>\d*)\\overline\{(?P<period>\d{1,20})\}")
_PAREN_NEG = re.compile(r"\((?P<inner>-[^()]+)\)")


@dataclass(frozen=True)
class Number:
    """An exact value plus whether it was written as a decimal (then it may be a rounded value)."""

    value: Fraction
    decimal: bool
    places: int | None = None  # decimal places as written ("2.6667": 4; "1.6e-3": 4)


def parse_number(text: str) -> Number | None:
    """The exact value of `text` if it is a plain number, else None (never raises, bounded work)."""
    if not text or len(text) > MAX_DIGITS:
        return None
    match = _PAREN_NEG.fullmatch(text)
    if match:
        text = match.group("inner")
    if text[0] == "{" and text[-1] == "}":
        text = text[1:-1]
    match = _PLAIN.fullmatch(text)
    if match:
        return _decimal(match.group("sign"), match.group("num"), match.group("exp"))
    match = _REPEATING.fullmatch(text)
    if match:  # 0.1\overline{6} = 1/6, exactly
        fixed, period = match.group("fixed"), match.group("period")
        value = Fraction(int(match.group("whole") or 0)) + Fraction(int(fixed or 0), 10 ** len(fixed))
        value += Fraction(int(period), (10 ** len(period) - 1) * 10 ** len(fixed))
        return Number(-value if match.group("sign") == "-" else value, False)
    match = _FRAC.fullmatch(text)
    if match:
        numerator = int(match.group("n1") or match.group("n2"))
        denominator = int(match.group("d1") or match.group("d2"))
        if denominator == 0:
            return None
        value = Fraction(numerator, denominator)
        if match.group("fsign") == "-":
            value = -value
        if match.group("whole"):
            if match.group("fsign"):
                return None
            value += int(match.group("whole"))
        return Number(-value if match.group("sign") == "-" else value, False)
    match = _SLASH.fullmatch(text)
    if match:
        denominator = int(match.group("d"))
        if denominator == 0:
            return None
        value = Fraction(int(match.group("n")), denominator)
        return Number(-value if match.group("sign") == "-" else value, False)
    match = _TIMES_TEN.fullmatch(text)
    if match:
        return _decimal(match.group("sign"), match.group("num"), match.group("e1") or match.group("e2"))
    match = _POWER_OF_TEN.fullmatch(text)
    if match:
        return _decimal(match.group("sign"), "1", match.group("e1") or match.group("e2"))
    return None


def _decimal(sign: str, digits: str, exponent: str | None) -> Number | None:
    power = int(exponent) if exponent else 0
    if abs(power) > MAX_EXPONENT:
        return None
    value = Fraction(digits.replace(",", "")) * Fraction(10) ** power
    places = len(digits.partition(".")[2]) - power
    return Number(-value if sign == "-" else value, "." in digits or bool(exponent and power < 0), places)


def numbers_equal(expected: Number, predicted: Number, *, rounding: int = 6) -> bool:
    """Exact equality; when either side was written as a decimal, equality after rounding to `rounding` places.

    Like Math-Verify: `1/3` equals `0.333333` but not `0.333`; unlike it, tiny values must also agree to
    `RELATIVE` (`3.89e-10` is not `4.89e-10` although both round to 0).
    """
    if expected.value == predicted.value:
        return True
    if expected.decimal or predicted.decimal:
        # rounded to `rounding` places, and close relative to the size (3.89e-10 is not 4.89e-10)
        close = abs(expected.value - predicted.value) <= RELATIVE * max(abs(expected.value), abs(predicted.value))
        if close and _round(expected.value, rounding) == _round(predicted.value, rounding):
            return True
        written, exact = (predicted, expected) if _more_precise(expected, predicted) else (expected, predicted)
        return close and written.places is not None and rounded_as_written(exact.value, written.value, written.places)
    return False


def _more_precise(first: Number, second: Number) -> bool:
    if not first.decimal:
        return True
    return second.decimal and (first.places or 0) > (second.places or 0)


def rounded_as_written(exact: Fraction, written: Fraction, places: int) -> bool:
    """Whether `written` is `exact` rounded or truncated to `places` decimal places (`2.6667`, `2.6666` for 8/3).

    Callers also require `RELATIVE` closeness, so `0.333` is not `1/3` (three places are not enough).
    """
    if places < 1 or places > MAX_DIGITS:
        return False
    scale = Fraction(10) ** places
    truncated = Fraction(int(exact * scale), scale)
    return written in (truncated, _round(exact, places))


def decimal_places(text: str) -> int | None:
    """Decimal places of a plain decimal number as written (`125.663` -> 3), None for anything else."""
    number = parse_number(text) if "." in text else None
    return number.places if number is not None and number.decimal else None


def _round(value: Fraction, places: int) -> Fraction:
    scale = 10**places
    return Fraction(round(value * scale), scale)

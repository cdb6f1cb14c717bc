"""Answers as people write them, rewritten into the form the comparison rules read (string work, linear time):

- `several_answers`: "1 and 2", `6 \\text{ and } 8`, "21, 16 or 11", "1; 2" are one list `1,2`.
- `systems`: `\\begin{cases} x=1 \\\\ y=2 \\end{cases}` (and `\\{\\begin{array}...`) is the list `x=1,y=2`.
- `mixed_number`: `3128 1/2` is `3128\\frac{1}{2}`.
- `implicit_product`: `2^6 3^5 5^4` is `2^6\\cdot 3^5\\cdot 5^4` (a space after a power multiplies).
- `degrees_in_trig`: `\\sin(90^\\circ - x)` is `\\sin(\\frac{90\\pi}{180} - x)`.
- `decimal_comma`: `1,22` may be `1.22` (only where the comma cannot be a thousands separator).
- `clock_time`: `20:34`, `20:34:00`, `8:34 P.M.` are the same time of day.
"""

from __future__ import annotations

import re
from fractions import Fraction

_CONNECTOR = re.compile(r"\s*(?:\\text\s*\{\s*(?:and|or)\s*\}|\s(?:and|or)\s|;)\s*", re.IGNORECASE)
_MATHY = re.compile(r"[\d\\=()\[\]^]")
_SYSTEM = re.compile(
    r"^(?:\\\{)?\s*\\begin\{(?P<env>cases|array)\}(?:\{[lcr|]*\})?(?P<body>.*)\\end\{(?P=env)\}\s*(?:\\\}|\.)?$",
    re.DOTALL,
)
_MIXED = re.compile(r"^(?P<sign>[+-]?)(?P<whole>\d+)\s+(?P<num>\d+)\s*/\s*(?P<den>\d+)$")
_POWER_THEN_DIGIT = re.compile(r"(\^\s*(?:\d|\{[^{}]*\}))\s+(?=\d)")
_TRIG = re.compile(r"\\(?:sin|cos|tan|cot|sec|csc)(?![a-zA-Z])")
_DEGREE_VALUE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|°)")
_DECIMAL_COMMA = re.compile(r"^(?P<sign>[+-]?)(?P<whole>\d+),(?P<frac>\d+)$")
_TIME = re.compile(
    r"^(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?:\\text\{\s*(?P<x>[ap]\.?\s*m\.?)\s*\}|(?P<y>[ap]\.?\s*m\.?))?$",
    re.IGNORECASE,
)


def several_answers(text: str) -> str:
    """Join answers written with "and"/"or"/";" into one comma list (words-only answers are left alone)."""
    if not _MATHY.search(text) or not _CONNECTOR.search(text):
        return text
    if ";" in text and "," in text:
        # p=5,q=2;p=7,q=2: groups of values, each group one tuple
        groups = [group.strip() for group in text.split(";") if group.strip()]
        if len(groups) > 1 and all("," in group for group in groups):
            return ",".join(f"({group})" for group in groups)
    parts = [part for part in _CONNECTOR.split(text) if part.strip()]
    return ",".join(part.strip() for part in parts) if len(parts) > 1 else text


def systems(text: str) -> str:
    """The equations of a `cases` system (or a one-column array in a brace) as a comma list."""
    if "\\begin" not in text:
        return text
    match = _SYSTEM.match(text.strip())
    if match is None or (match["env"] == "array" and not text.lstrip().startswith("\\{")):
        return text
    rows = [row.replace("&", "").strip().rstrip(",;.").strip() for row in match["body"].split("\\\\")]
    rows = [row for row in rows if row]
    return ",".join(rows) if rows and all("=" in row or "\\" in row for row in rows) else text


def mixed_number(text: str) -> str:
    """`3128 1/2` -> `3128\\frac{1}{2}` (a proper fraction after a whole number and a space)."""
    match = _MIXED.match(text.strip())
    if match is None or int(match["num"]) >= int(match["den"]):
        return text
    return f"{match['sign']}{match['whole']}\\frac{{{match['num']}}}{{{match['den']}}}"


def implicit_product(text: str) -> str:
    """`2^6 3^5` -> `2^6\\cdot 3^5`: a number after a power and a space is a factor, not more digits."""
    return _POWER_THEN_DIGIT.sub(r"\1\\cdot ", text) if "^" in text else text


def degrees_in_trig(text: str) -> tuple[str, bool]:
    """Degree values inside a trigonometric expression become radians; (text, whether any was converted)."""
    if not _TRIG.search(text) or not ("circ" in text or "°" in text):
        return text, False
    converted, count = _DEGREE_VALUE.subn(r"\\frac{\1\\pi}{180}", text)
    return converted, count > 0


def decimal_comma(text: str) -> Fraction | None:
    """The value of `1,22` read with a decimal comma, or None when the comma may group thousands (`1,220`)."""
    match = _DECIMAL_COMMA.match(text)
    if match is None or len(match["frac"]) == 3:
        return None
    value = Fraction(f"{match['whole']}.{match['frac']}")
    return -value if match["sign"] == "-" else value


def clock_time(text: str) -> int | None:
    """Seconds after midnight of `20:34`, `20:34:00`, `8:34 P.M.`, `8:34 \\text{ PM}`; None if not a time."""
    match = _TIME.match(text.strip())
    if match is None:
        return None
    hours, minutes, seconds = int(match["h"]), int(match["m"]), int(match["s"] or 0)
    half = (match["x"] or match["y"] or "").replace(".", "").replace(" ", "").lower()
    if minutes > 59 or seconds > 59 or hours > (12 if half else 24):
        return None
    if half:
        hours = hours % 12 + (12 if half == "pm" else 0)
    return (hours * 60 + minutes) * 60 + seconds


def has_clock_marker(text: str) -> bool:
    """Whether `text` is unmistakably a time (seconds or AM/PM), not a ratio like `3:4`."""
    match = _TIME.match(text.strip())
    return match is not None and bool(match["s"] or match["x"] or match["y"])

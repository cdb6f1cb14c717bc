"""Top-level structure of an answer: lists, tuples, intervals, sets, unions, matrices and plus-minus.

Splitting happens on normalised text at bracket depth 0, so elements can be compared one by one with the scalar
rules (and the fast numeric path) instead of handing a whole tuple to sympy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ELEMENTS = 64
_OPEN = {"(": ")", "[": "]", "{": "}"}
_MATRIX = re.compile(r"^[(\[]?\\begin\{(?P<env>[pbvBV]?matrix|array)\}(?:\{[^{}]*\})?(?P<body>.*)\\end\{(?P=env)\}[)\]]?$", re.DOTALL)


@dataclass(frozen=True)
class Composite:
    """A structured answer: `kind` is list (bare, unordered), set, tuple, interval, union or matrix."""

    kind: str
    items: tuple[str, ...]
    left: str = ""  # opening bracket of a tuple/interval: "(" or "["
    right: str = ""
    shape: tuple[int, int] = (0, 0)  # matrices only


def split_top(text: str, separator: str) -> list[str]:
    """Split `text` at `separator` where no bracket ((), [], {}) is open; escaped braces count as brackets."""
    parts: list[str] = []
    depth = 0
    start = 0
    index = 0
    length = len(text)
    width = len(separator)
    while index < length:
        char = text[index]
        if char == "\\" and index + 1 < length and text[index + 1] in "{}":
            depth += 1 if text[index + 1] == "{" else -1
            index += 2
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith(separator, index):
            parts.append(text[start:index])
            index += width
            start = index
            continue
        index += 1
    parts.append(text[start:])
    return parts


def _enclosed(text: str, left: int, right: int) -> bool:
    """Whether the bracket at `left` closes exactly at `right` (so the whole text is one bracketed group)."""
    depth = 0
    for index in range(left, right + 1):
        char = text[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0 and index != right:
                return False
    return depth == 0


def parse_structure(text: str) -> Composite | None:
    """The structure of a normalised answer, or None for a scalar (a single value or expression)."""
    if len(text) > 20_000:
        return None
    matrix = _MATRIX.match(text)
    if matrix:
        rows = [row for row in split_top(matrix.group("body"), "\\\\") if row.strip()]
        cells = [split_top(row, "&") for row in rows]
        width = len(cells[0]) if cells else 0
        if width and all(len(row) == width for row in cells):
            return Composite("matrix", tuple(c.strip() for row in cells for c in row), shape=(len(rows), width))
        return None
    if "\\cup" in text:
        parts = split_top(text, "\\cup")
        if len(parts) > 1:
            return Composite("union", tuple(p.strip() for p in parts))
    if text.startswith("\\{") and text.endswith("\\}"):
        inner = text[2:-2]
        if "\\{" not in inner or _balanced_set(inner):
            return Composite("set", tuple(_expand_pm(split_top(inner, ","))))
    if len(text) >= 2 and text[0] in "([" and text[-1] in ")]":
        if _enclosed(text.replace("\\{", "(").replace("\\}", ")"), 0, len(text) - 1):
            items = split_top(text[1:-1], ",")
            if len(items) > 1:
                kind = "tuple" if text[0] == "(" and text[-1] == ")" else "interval"
                return Composite(kind, tuple(i.strip() for i in items), text[0], text[-1])
    items = split_top(text, ",")
    if len(items) > 1:
        return Composite("list", tuple(_expand_pm(items)))
    expanded = _expand_pm([text])
    if len(expanded) > 1:
        return Composite("list", tuple(expanded))
    return None


def _balanced_set(inner: str) -> bool:
    return inner.count("\\{") == inner.count("\\}")


def _expand_pm(items: list[str]) -> list[str]:
    """`a \\pm b` stands for the two answers `a+b` and `a-b` (one `\\pm`/`\\mp` per item)."""
    out: list[str] = []
    for item in items:
        item = item.strip()
        for sign, plus, minus in (("\\pm", "+", "-"), ("\\mp", "-", "+")):
            if item.count(sign) == 1 and not item.endswith(sign):
                head, tail = item.split(sign)
                out.extend([f"{head}{plus}{tail}".lstrip("+"), f"{head}{minus}{tail}"])
                break
        else:
            out.append(item)
    return out

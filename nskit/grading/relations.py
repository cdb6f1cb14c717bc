"""Relations with constant bounds as the intervals they describe: `x \\ge 5` is `[5,\\infty)`, `-2 \\le x \\le 7` is
`[-2,7]`, `1 \\le |z| \\le 3/2` is `[-3/2,-1] \\cup [1,3/2]`, `x \\ne 3` is `(-\\infty,3) \\cup (3,\\infty)`.

Works on normalised text whose operators are already `<`, `>`, `\\le`, `\\ge`, `\\ne` (see `normalize`). Relations
between expressions (`a > b`) are left to the symbolic comparison; only a single variable, a function value
(`f(x)`) or an absolute value (`|z|`) bounded by constants becomes an interval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPERATOR = re.compile(r"\\le(?![a-zA-Z])|\\ge(?![a-zA-Z])|\\ne(?![a-zA-Z])|<|>")
_SUBJECT = re.compile(r"^(?:(?P<abs>\|)?(?P<var>[a-zA-Z](?:_\{?[a-zA-Z0-9]+\}?)?(?:\([a-zA-Z]\))?)(?P=abs)?)$")
_NOT_CONSTANT = re.compile(r"[a-zA-Z]")
_CONSTANT_COMMANDS = re.compile(r"\\(?:frac|sqrt|pi|infty|cdot|times)(?![a-zA-Z])")
_OR = re.compile(r"\\text\{\s*or\s*\}|\\lor(?![a-zA-Z])|\\vee(?![a-zA-Z])|\sor\s|,")
_AND = re.compile(r"\\text\{\s*and\s*\}|\\land(?![a-zA-Z])|\\wedge(?![a-zA-Z])|\sand\s")
_LOWER = {">": "(", "\\ge": "["}  # subject > c: c is a lower bound
_UPPER = {"<": ")", "\\le": "]"}
_FLIP = {"<": ">", ">": "<", "\\le": "\\ge", "\\ge": "\\le", "\\ne": "\\ne"}


@dataclass(frozen=True)
class _Bound:
    subject: str
    lower: tuple[str, str] | None = None  # (value, bracket)
    upper: tuple[str, str] | None = None
    excluded: str | None = None  # for \ne


def as_intervals(text: str) -> tuple[str, str] | None:
    """(subject, interval text) for a relation or an "or"-list of relations on one subject, else None."""
    if not _OPERATOR.search(text) or "=" in text.replace("\\ne", ""):
        return None
    pieces = [piece.strip() for piece in _OR.split(text)]
    intervals: list[str] = []
    subjects: set[str] = set()
    for piece in pieces:
        parts = [part.strip() for part in _AND.split(piece)]
        bounds = [_bound(part) for part in parts]
        if any(bound is None for bound in bounds) or len(bounds) > 2:
            return None
        merged = _merge([bound for bound in bounds if bound is not None])
        if merged is None:
            return None
        subjects.add(merged.subject)
        intervals.extend(_render(merged))
    if len(subjects) != 1:
        return None
    # the answer is the set of values of the variable: "|x| < 3" and "-3 < x < 3" are both about x
    return subjects.pop().strip("|"), "\\cup".join(intervals)


def _bound(text: str) -> _Bound | None:
    """One (possibly chained) relation `c1 op x op c2` / `x op c` / `c op x` with constant c's."""
    operators = list(_OPERATOR.finditer(text))
    if not operators or len(operators) > 2:
        return None
    cuts = [0, *[i for m in operators for i in (m.start(), m.end())], len(text)]
    terms = [text[cuts[i] : cuts[i + 1]].strip() for i in range(0, len(cuts), 2)]
    ops = [m.group(0) for m in operators]
    subject_at = [i for i, term in enumerate(terms) if _SUBJECT.match(term) and not _is_constant(term)]
    if len(subject_at) != 1 or not all(_is_constant(t) and t for i, t in enumerate(terms) if i != subject_at[0]):
        return None
    position = subject_at[0]
    subject = terms[position]
    relations: list[tuple[str, str]] = []  # (operator with the subject on its left, constant)
    if position > 0:
        relations.append((_FLIP[ops[position - 1]], terms[position - 1]))
    if position < len(ops):
        relations.append((ops[position], terms[position + 1]))
    bound = _Bound(subject)
    for op, constant in relations:
        if op == "\\ne":
            if len(relations) > 1:
                return None
            bound = _Bound(subject, excluded=constant)
        elif op in _LOWER:
            if bound.lower is not None:
                return None
            bound = _Bound(subject, (constant, _LOWER[op]), bound.upper)
        else:
            if bound.upper is not None:
                return None
            bound = _Bound(subject, bound.lower, (constant, _UPPER[op]))
    return bound


def _merge(bounds: list[_Bound]) -> _Bound | None:
    """`x > 2 and x < 5`: a lower and an upper bound on one subject make one bound."""
    if len(bounds) == 1:
        return bounds[0]
    first, second = bounds
    if first.subject != second.subject or first.excluded or second.excluded:
        return None
    lower = first.lower or second.lower
    upper = first.upper or second.upper
    if (first.lower and second.lower) or (first.upper and second.upper):
        return None
    return _Bound(first.subject, lower, upper)


def _render(bound: _Bound) -> list[str]:
    """The interval(s) of a bound; an absolute value |v| gives the symmetric pair."""
    if bound.excluded is not None:
        value = bound.excluded
        if bound.subject.startswith("|"):
            return [f"(-\\infty,{_negate(value)})", f"({_negate(value)},{value})", f"({value},\\infty)"]
        return [f"(-\\infty,{value})", f"({value},\\infty)"]
    low, low_bracket = bound.lower or ("-\\infty", "(")
    high, high_bracket = bound.upper or ("\\infty", ")")
    if not bound.subject.startswith("|"):
        return [f"{low_bracket}{low},{high}{high_bracket}"]
    closing = {"(": ")", "[": "]"}
    opening = {")": "(", "]": "["}
    if bound.upper is None:  # |v| > a
        return [f"(-\\infty,{_negate(low)}{closing[low_bracket]}", f"{low_bracket}{low},\\infty)"]
    if bound.lower is None or low in ("0", "-\\infty"):  # |v| < b
        return [f"{opening[high_bracket]}{_negate(high)},{high}{high_bracket}"]
    return [
        f"{opening[high_bracket]}{_negate(high)},{_negate(low)}{closing[low_bracket]}",
        f"{low_bracket}{low},{high}{high_bracket}",
    ]


def _negate(value: str) -> str:
    if value.startswith("-"):
        return value[1:]
    if re.fullmatch(r"[\d.]+|\\frac\{[^{}]*\}\{[^{}]*\}|[\d.]+/[\d.]+|\\sqrt\{[^{}]*\}|\\infty|\\pi", value):
        return f"-{value}"
    return f"-({value})"


def _is_constant(term: str) -> bool:
    return bool(term) and not _NOT_CONSTANT.search(_CONSTANT_COMMANDS.sub("", term))

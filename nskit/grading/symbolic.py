"""Symbolic comparison with sympy: the slow path for what the string and numeric rules cannot settle.

LaTeX is parsed by latex2sympy2_extended (the parser Math-Verify uses). Scalar expressions are compared by
evaluation (constants at 30 digits, expressions with variables at fixed pseudo-random points), which is much
cheaper than `simplify` and as exact in practice; relations, sets and matrices go to Math-Verify's comparator.
Heavy imports happen on first use so that importing `nskit.grading` stays cheap. There is no timeout here: callers
run this inside the killable worker pool.
"""

from __future__ import annotations

import functools
import re
from typing import Any

_COMPLEX_HINT = re.compile(r"(?<![a-zA-Z\\])i(?![a-zA-Z])|\\imath|\\mathbb\{C\}")
_HUGE = re.compile(r"!\s*\)\s*!|\^\s*\{?\s*[\d.]+\s*\^|\^\s*\{?\s*\d{6,}|\d{4,}\s*!|!\s*!\s*!|\d+\s*!\s*\^")
_POINTS = ("0.5437", "1.3917", "2.7182", "0.2718")
_TOLERANCE = 1e-12
MAX_LENGTH = 1500
MAX_DEPTH = 40


class UnparsableAnswer(ValueError):
    """The LaTeX parser could not read an answer (it then cannot equal anything but itself as a string)."""


@functools.lru_cache(maxsize=4096)
def to_sympy(text: str) -> Any:
    """Parse normalised LaTeX into a sympy object; raises `UnparsableAnswer` (with the parser's reason)."""
    if len(text) > MAX_LENGTH or _depth(text) > MAX_DEPTH:
        # no real answer is this long or this deeply nested; the ANTLR parser would take seconds on it
        raise UnparsableAnswer(f"answer too long or too deeply nested to parse ({len(text)} characters)")
    if _HUGE.search(text):
        # sympy evaluates integer powers and factorials eagerly: 10^{10^{10}} would never finish
        raise UnparsableAnswer(f"number too large to evaluate in {text[:80]!r}")
    from latex2sympy2_extended import latex2sympy
    from latex2sympy2_extended.math_normalization import NormalizationConfig

    config = NormalizationConfig(basic_latex=True, units=False, malformed_operators=True, nits=True, boxed="none")
    try:
        return latex2sympy(text, is_real=not _COMPLEX_HINT.search(text), normalization_config=config)
    except Exception as exc:  # the ANTLR parser raises many types; the reason is kept in the message
        raise UnparsableAnswer(f"cannot parse {text[:80]!r}: {type(exc).__name__}: {exc}") from exc


def _depth(text: str) -> int:
    """Deepest bracket nesting in `text`."""
    depth = deepest = 0
    for char in text:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth -= 1
    return deepest


def symbolic_equal(expected: str, predicted: str, *, degrees_mismatch: bool = False, places: int | None = None) -> bool:
    """Whether two normalised LaTeX answers denote the same mathematical object (raises `UnparsableAnswer`).

    `places`: when one side is a plain decimal with that many places, it also equals the other side's value
    rounded or truncated to as many places (`125.663` is `40\\pi`), within the relative tolerance `RELATIVE`.
    """
    gold = to_sympy(expected)
    pred = to_sympy(predicted)
    if _COMPLEX_HINT.search(expected) or _COMPLEX_HINT.search(predicted):
        gold, pred = _imaginary_unit(gold), _imaginary_unit(pred)
    if _objects_equal(gold, pred):
        return True
    if places and _is_scalar(gold) and _is_scalar(pred) and not (gold.free_symbols or pred.free_symbols):
        if _written_rounding(gold, pred, places):
            return True
    if degrees_mismatch:
        import sympy

        # one side in degrees, the other in radians: 30^\circ == \pi/6
        if _is_scalar(gold) and _is_scalar(pred):
            return _objects_equal(gold * sympy.pi / 180, pred) or _objects_equal(gold, pred * sympy.pi / 180)
    return False


def _equations_proportional(gold: Any, pred: Any) -> bool | None:
    """Two equations are the same when one's `lhs - rhs` is a constant non-zero multiple of the other's
    (`5x-7y+11z+4=0` = `-10x+14y-22z-8=0`), checked by evaluation at the fixed points; None when undecided
    (a side that does not evaluate to a number), which leaves it to Math-Verify's slower comparator."""
    import sympy
    from sympy.core.function import AppliedUndef

    gold_side, pred_side = gold.lhs - gold.rhs, pred.lhs - pred.rhs
    if not (_is_scalar(gold_side) and _is_scalar(pred_side)):
        return None
    applied = sorted(gold_side.atoms(AppliedUndef) | pred_side.atoms(AppliedUndef), key=str)
    if applied:  # x(t) stands for a value like any symbol, the same in both equations
        names = {call: sympy.Symbol(f"_call{index}") for index, call in enumerate(applied)}
        gold_side, pred_side = gold_side.subs(names), pred_side.subs(names)
    symbols = sorted(gold_side.free_symbols | pred_side.free_symbols, key=str)
    ratios = []
    for shift in range(3):
        substitution = {s: sympy.Float(_POINTS[(i + shift) % len(_POINTS)], 30) + i for i, s in enumerate(symbols)}
        a, b = gold_side.evalf(30, subs=substitution), pred_side.evalf(30, subs=substitution)
        if not (a.is_number and b.is_number) or a.has(sympy.nan, sympy.zoo) or b.has(sympy.nan, sympy.zoo):
            return None
        if abs(b) < 1e-20 or abs(a) < 1e-20:
            if abs(b) < 1e-20 and abs(a) < 1e-20:
                continue
            return False
        ratios.append(a / b)
    if not ratios:
        return None
    first = ratios[0]
    return all(abs(ratio - first) <= _TOLERANCE * max(1, abs(first)) for ratio in ratios[1:])


def _written_rounding(gold: Any, pred: Any, places: int) -> bool:
    """One real constant written as the other rounded or truncated to `places` decimals (see `numbers`)."""
    from fractions import Fraction

    from nskit.grading.numbers import RELATIVE, rounded_as_written

    import sympy

    a, b = gold.evalf(40), pred.evalf(40)
    if not (a.is_real and b.is_real) or a.is_infinite or b.is_infinite:
        return False
    # a written decimal keeps the digits it was parsed with (its binary float at 40 digits would not round back)
    exact_a = Fraction(str(gold if isinstance(gold, sympy.Float) else a))
    exact_b = Fraction(str(pred if isinstance(pred, sympy.Float) else b))
    if abs(exact_a - exact_b) > RELATIVE * max(abs(exact_a), abs(exact_b)):
        return False
    return rounded_as_written(exact_a, exact_b, places) or rounded_as_written(exact_b, exact_a, places)


def _imaginary_unit(value: Any) -> Any:
    """The parser keeps `i` as a symbol; in an answer that mentions `i` it is the imaginary unit."""
    import sympy

    if not _is_scalar(value):
        return value
    units = [symbol for symbol in value.free_symbols if symbol.name == "i"]
    return value.subs({symbol: sympy.I for symbol in units}) if units else value


def _is_scalar(value: Any) -> bool:
    import sympy

    return isinstance(value, sympy.Expr) and not isinstance(value, sympy.MatrixBase)


def _objects_equal(gold: Any, pred: Any) -> bool:
    if _is_scalar(gold) and _is_scalar(pred):
        return expressions_equal(gold, pred)
    import sympy

    if isinstance(gold, sympy.Eq) and isinstance(pred, sympy.Eq):
        verdict = _equations_proportional(gold, pred)
        if verdict is not None:
            return verdict
    if isinstance(gold, sympy.Ne) or isinstance(pred, sympy.Ne):
        # Math-Verify's comparator has no rule for "!=": a != b is b != a, and no other relation
        if not (isinstance(gold, sympy.Ne) and isinstance(pred, sympy.Ne)):
            return False
        difference, other = gold.lhs - gold.rhs, pred.lhs - pred.rhs
        return expressions_equal(difference, other) or expressions_equal(difference, -other)
    from math_verify.grader import sympy_expr_eq

    return bool(sympy_expr_eq(gold, pred, 6, 15))


def expressions_equal(gold: Any, pred: Any) -> bool:
    """Equality of two scalar sympy expressions by evaluation; floats compare after rounding to 6 places."""
    import sympy

    if gold == pred:
        return True
    symbols = sorted(gold.free_symbols | pred.free_symbols, key=str)
    has_float = gold.has(sympy.Float) or pred.has(sympy.Float)
    if not symbols:
        return _values_equal(gold.evalf(30), pred.evalf(30), has_float)
    for shift in range(3):
        substitution = {s: sympy.Float(_POINTS[(i + shift) % len(_POINTS)], 30) + i for i, s in enumerate(symbols)}
        if not _values_equal(gold.evalf(30, subs=substitution), pred.evalf(30, subs=substitution), has_float):
            return False
    return True


def _values_equal(a: Any, b: Any, rounded: bool) -> bool:
    import sympy

    if not (a.is_number and b.is_number):
        return bool(sympy.simplify(a - b) == 0)
    if a.has(sympy.nan, sympy.zoo) or b.has(sympy.nan, sympy.zoo):
        return False
    if a.is_infinite or b.is_infinite:
        return bool(a == b)
    a_re, a_im = (part.evalf(30) for part in a.as_real_imag())
    b_re, b_im = (part.evalf(30) for part in b.as_real_imag())
    if not all(part.is_Number for part in (a_re, a_im, b_re, b_im)):
        return False  # a part sympy cannot evaluate (`re(1/100)` of an odd parse) is no value to compare
    if rounded:
        size = max(abs(a_re), abs(a_im), abs(b_re), abs(b_im))
        close = abs(a_re - b_re) + abs(a_im - b_im) <= 1e-4 * size
        return bool(close and a_re.round(6) == b_re.round(6) and a_im.round(6) == b_im.round(6))
    scale = max(sympy.Integer(1), abs(a_re), abs(a_im), abs(b_re), abs(b_im))
    return bool(abs(a_re - b_re) <= _TOLERANCE * scale and abs(a_im - b_im) <= _TOLERANCE * scale)

"""The equivalence rules, in order of cost: string, letters, numbers, text, structure, then sympy.

`check_equal` runs in the calling process without any timeout; the public `is_equal` and the file grader run it
inside the killable worker pool (see `pool.py`).
"""

from __future__ import annotations

import re
from fractions import Fraction

from nskit.grading.extraction import to_letter
from nskit.grading.normalize import (
    Normalized,
    clean_text_commands,
    normalize,
    plain_text,
    readings,
    unwrap,
)
from nskit.grading.numbers import Number, decimal_places, numbers_equal, parse_number
from nskit.grading.targets import align_names, same_target
from nskit.grading.structure import MAX_ELEMENTS, Composite, parse_structure

_LETTER_ONLY = re.compile(r"^(?:\\text(?:bf)?\{)?\(?([A-J])\)?\}?$")
_BASE_SUBSCRIPT = re.compile(r"^(?P<digits>[0-9A-Za-z]+)_\{?(?P<base>\d+)\}?$")


def check_equal(expected: str, predicted: str | None) -> bool:
    """Whether `predicted` is an equivalent answer to `expected` (raw text or bare answers; no timeout)."""
    if predicted is None:
        return False
    gold_raw = unwrap(str(expected), spans=False)
    if not gold_raw:
        return False
    return any(_check_raw(gold_raw, pred_raw) for pred_raw in readings(str(predicted)))


def _check_raw(gold_raw: str, pred_raw: str) -> bool:
    if not pred_raw:
        return False
    if gold_raw == pred_raw:
        return True
    letter = _LETTER_ONLY.match(gold_raw.replace(" ", ""))
    if letter:
        return to_letter(pred_raw) == letter.group(1)
    return compare(normalize(gold_raw), normalize(pred_raw))


def compare(gold: Normalized, pred: Normalized) -> bool:
    """Compare two normalised answers with every rule (recursively for structured answers)."""
    verdict = _cheap(gold, pred)
    if verdict is not None:
        return verdict
    if gold.lhs and pred.lhs:
        pred = align_names(gold, pred)
    letter = _LETTER_ONLY.match(gold.text)
    if letter:
        return to_letter(pred.text) == letter.group(1)
    if pred.lhs and not gold.lhs and "=" in gold.text:
        # "x+y=1" against "y=1-x": compare the whole equations
        return compare(gold, Normalized(f"{pred.lhs}={pred.text}"))
    if gold.lhs and not pred.lhs and "=" in pred.text:
        return compare(Normalized(f"{gold.lhs}={gold.text}"), pred)
    gold_number, pred_number = parse_number(gold.text), parse_number(pred.text)
    gold_words, pred_words = plain_text(gold.text), plain_text(pred.text)
    if gold_words is not None and pred_words is not None:
        return gold_words == pred_words
    base = _base_match(gold.text, pred.text)
    if base is not None:
        return base
    gold_shape, pred_shape = parse_structure(gold.text), parse_structure(pred.text)
    if gold_shape is not None or pred_shape is not None:
        return _compare_structures(gold, pred, gold_shape, pred_shape)
    if gold_number is not None and _is_plain_decimal(pred.text) or pred_number is not None and _is_plain_decimal(gold.text):
        return False
    from nskit.grading.symbolic import UnparsableAnswer, symbolic_equal

    try:
        return symbolic_equal(
            clean_text_commands(gold.text),
            clean_text_commands(pred.text),
            degrees_mismatch=gold.degrees != pred.degrees,
            places=decimal_places(pred.text) or decimal_places(gold.text),
        )
    except UnparsableAnswer:
        # not LaTeX that denotes a value: only the (already compared) normalised strings could have matched
        return False


def quick_equal(expected: str, predicted: str | None) -> bool | None:
    """The verdict when the cheap rules (strings, letters, plain numbers) settle it, else None. Bounded work."""
    if predicted is None:
        return False
    if len(expected) > 200 or len(predicted) > 200:
        return None
    gold_raw = unwrap(str(expected), spans=False)
    if not gold_raw:
        return False
    verdicts = [_quick_raw(gold_raw, pred_raw) for pred_raw in readings(str(predicted))]
    if True in verdicts:
        return True
    return False if all(verdict is False for verdict in verdicts) else None


def _quick_raw(gold_raw: str, pred_raw: str) -> bool | None:
    if not pred_raw:
        return False
    if gold_raw == pred_raw:
        return True
    if _LETTER_ONLY.match(gold_raw.replace(" ", "")):
        return _check_raw(gold_raw, pred_raw)
    return _cheap(normalize(gold_raw), normalize(pred_raw))


def _cheap(gold: Normalized, pred: Normalized) -> bool | None:
    """Verdict from assignment targets, identical strings or two plain numbers; None when undecided."""
    if gold.lhs and pred.lhs:
        pred = align_names(gold, pred)
        if not same_target(gold.lhs, pred.lhs):
            return False
    if gold.text == pred.text:
        return bool(gold.text)
    if gold.text.count("'") != pred.text.count("'"):
        return False  # a prime is part of the answer: E' is not E
    gold_number, pred_number = parse_number(gold.text), parse_number(pred.text)
    if gold_number is not None and pred_number is not None:
        return _numbers_match(gold_number, pred_number, gold, pred)
    # "1,22" against a single number: read the comma as a decimal comma
    if gold_number is not None and pred.decimal_comma is not None:
        return numbers_equal(gold_number, Number(pred.decimal_comma, True))
    if pred_number is not None and gold.decimal_comma is not None:
        return numbers_equal(Number(gold.decimal_comma, True), pred_number)
    return None


def _is_plain_decimal(text: str) -> bool:
    return bool(re.fullmatch(r"[+-]?[\d.,]+", text))


def _numbers_match(gold: Number, pred: Number, gold_n: Normalized, pred_n: Normalized) -> bool:
    if numbers_equal(gold, pred):
        return True
    if gold_n.percent != pred_n.percent:
        # 50\% may be answered as 0.5 and 0.5 as 50\%
        hundred = Fraction(100)
        if gold_n.percent:
            return numbers_equal(Number(gold.value / hundred, gold.decimal), pred)
        return numbers_equal(gold, Number(pred.value / hundred, pred.decimal))
    return False


def _base_match(gold: str, pred: str) -> bool | None:
    """Numbers in another base (`204_5`): the digits must match; the subscript may be left out by the model."""
    gold_match, pred_match = _BASE_SUBSCRIPT.match(gold), _BASE_SUBSCRIPT.match(pred)
    if gold_match is None and pred_match is None:
        return None
    if gold_match and pred_match:
        return gold_match["digits"].lower() == pred_match["digits"].lower() and gold_match["base"] == pred_match["base"]
    match, other = (gold_match, pred) if gold_match else (pred_match, gold)
    return match["digits"].lower() == other.lower() if match["digits"].isdigit() else None


def _pairwise(gold: tuple[str, ...], pred: tuple[str, ...]) -> bool:
    return len(gold) == len(pred) and all(compare(normalize(g), normalize(p)) for g, p in zip(gold, pred, strict=True))


def _unordered(gold: tuple[str, ...], pred: tuple[str, ...]) -> bool:
    """Multiset equality under `compare` (greedy matching; exact strings are paired first)."""
    if len(gold) != len(pred):
        return False
    if len(gold) > MAX_ELEMENTS:
        return sorted(gold) == sorted(pred)
    remaining = list(pred)
    for item in gold:
        if item in remaining:
            remaining.remove(item)
            continue
        normalized = normalize(item)
        for index, candidate in enumerate(remaining):
            if compare(normalized, normalize(candidate)):
                del remaining[index]
                break
        else:
            return False
    return True


def _compare_structures(gold: Normalized, pred: Normalized, gold_shape: Composite | None, pred_shape: Composite | None) -> bool:
    if gold_shape is None or pred_shape is None:
        shape = gold_shape or pred_shape
        assert shape is not None
        if len(shape.items) == 1:
            single = Normalized(shape.items[0])
            return compare(single, pred) if gold_shape else compare(gold, single)
        if pred_shape is not None and pred_shape.kind == "list" and len(pred_shape.items) <= MAX_ELEMENTS:
            # one answer boxed twice in two spellings ("\boxed{15\frac{39}{40}}, or \boxed{\frac{639}{40}}")
            return all(compare(gold, normalize(item)) for item in pred_shape.items)
        return False
    kinds = {gold_shape.kind, pred_shape.kind}
    if "matrix" in kinds:
        if kinds == {"matrix"}:
            return gold_shape.shape == pred_shape.shape and _pairwise(gold_shape.items, pred_shape.items)
        matrix = gold_shape if gold_shape.kind == "matrix" else pred_shape
        # a column or row vector may be written as a tuple
        return 1 in matrix.shape and _pairwise(gold_shape.items, pred_shape.items)
    if kinds <= {"tuple", "interval"}:
        same_brackets = gold_shape.left == pred_shape.left and gold_shape.right == pred_shape.right
        return same_brackets and _pairwise(gold_shape.items, pred_shape.items)
    if kinds == {"union"}:
        return _unordered(gold_shape.items, pred_shape.items)
    if "union" in kinds or "interval" in kinds:
        return False
    if gold_shape.kind == "tuple" and pred_shape.kind == "list":
        return _pairwise(gold_shape.items, pred_shape.items)
    return _unordered(gold_shape.items, pred_shape.items)

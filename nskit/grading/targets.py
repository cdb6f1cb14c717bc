"""What an answer is assigned to (`x = 3`, `f(x) = 2x+3`, `(p,q) = (3,2)`, `k=45, n=2`) and when two targets match.

`y = 2x+3` and `f(x) = 2x+3` name the same thing (the dependent variable); `x = 5` and `y = 5` do not. Values
assigned to several named variables compare by name, whatever the order they were written in.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from nskit.grading.structure import split_top

if TYPE_CHECKING:
    from nskit.grading.normalize import Normalized

_DEPENDENT = re.compile(r"^(?:y|[a-zA-Z]\([a-zA-Z]\))$")


def same_target(gold: str, pred: str) -> bool:
    """Whether two assignment targets name the same quantity (case-insensitive; `y` is `f(x)`)."""
    if gold.lower() == pred.lower():
        return True
    return bool(_DEPENDENT.match(gold) and _DEPENDENT.match(pred))


def align_names(gold: Normalized, pred: Normalized) -> Normalized:
    """`pred` with its named values put in `gold`'s order: `n=2, k=45` against `k=45, n=2` reads `(45,2)`."""
    gold_names, pred_names = _names(gold.lhs), _names(pred.lhs)
    if gold_names is None or pred_names is None or gold_names == pred_names or sorted(gold_names) != sorted(pred_names):
        return pred
    if not (pred.text.startswith("(") and pred.text.endswith(")")):
        return pred
    values = split_top(pred.text[1:-1], ",")
    if len(values) != len(pred_names):
        return pred
    by_name = dict(zip(pred_names, values, strict=True))
    return replace(pred, text="(" + ",".join(by_name[name] for name in gold_names) + ")", lhs=gold.lhs)


def _names(lhs: str | None) -> list[str] | None:
    if not lhs or not (lhs.startswith("(") and lhs.endswith(")")):
        return None
    names = [name.strip() for name in split_top(lhs[1:-1], ",")]
    return names if len(set(names)) == len(names) else None

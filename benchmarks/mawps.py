"""MAWPS: the union of its four ToRA-hosted subsets (addsub 395, singleeq 508, singleop 562, multiarith 600).

NeMo-Skills downloads the same four files (the official MAWPS link is down) and concatenates them: 2065 records.

Duplicate policy (documented here, checked by the tests): the four files overlap, and some files repeat problems.
Problems are compared by their text with runs of whitespace collapsed. 2065 records hold 1978 distinct problems:
- 86 repeats agree with the first occurrence on the answer: they are dropped, the first occurrence is kept
  (file order addsub, singleeq, singleop, multiarith; then line order), and `subsets` lists every file that holds
  the problem;
- 1 repeat contradicts it: singleop line 498 (0-based 497) says 30 rows for "16 pecan pies and 14 apple pies in
  rows of 5 pies each", singleeq line 480 (0-based 479) says 6. 30 / 5 = 6, so the singleop record is wrong and is
  dropped. `_WRONG_DUPLICATES` names it; any other contradicting repeat fails the conversion instead of being
  resolved silently.
Result: 1978 records. `type` is the subset of the kept occurrence, as in NeMo-Skills.

Other quirks: targets are floats (`43.0`, `0.6666666667`): written via `number_text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit.datasets import Benchmark, ConversionError, Record, Source, number_text
from nskit.records import iter_jsonl

SUBSETS = ("addsub", "singleeq", "singleop", "multiarith")
_URL = "https://raw.githubusercontent.com/microsoft/ToRA/main/src/data/mawps/{}.jsonl"
_SHA256 = {
    "addsub": "2fae2c92530cdf1ac0487db9a90e68d6af84049d755c07c4486411c1d7f43e75",
    "singleeq": "07bec92bae226dd5231a966e907a0f097ba3170a1557c73ceeb135caad8d09f8",
    "singleop": "feb012e7ed5503cdb96fd127d539692b033000e9134655acaf4f4e0091328e94",
    "multiarith": "12e8295088364af21fb6591dbdbd1dda452aade57227f63d725677471ded2951",
}
# (subset, 0-based record index) of repeats whose answer is wrong, with the reason.
_WRONG_DUPLICATES = {
    ("singleop", 497): "30 pies in rows of 5 pies each make 6 rows, not 30 (singleeq 479 has 6)",
}


def _key(problem: str) -> str:
    """Problem text with runs of whitespace collapsed: the identity used to find repeats."""
    return re.sub(r"\s+", " ", problem).strip()


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """The union of the four subsets, repeats removed as described in the module docstring."""
    kept: dict[str, Record] = {}
    dropped_wrong: set[tuple[str, int]] = set()
    for subset in SUBSETS:
        for index, row in enumerate(iter_jsonl(files[subset])):
            answer = number_text(row["target"], f"mawps {subset} record {index}")
            key = _key(row["input"])
            first = kept.get(key)
            if first is None:
                kept[key] = {
                    "id": f"mawps-{subset}-{index}",
                    "problem": row["input"].strip(),
                    "expected_answer": answer,
                    "type": subset,
                    "subsets": [subset],
                }
                continue
            if first["expected_answer"] == answer:
                if subset not in first["subsets"]:
                    first["subsets"].append(subset)
            elif (subset, index) in _WRONG_DUPLICATES:
                dropped_wrong.add((subset, index))
            else:
                raise ConversionError(
                    f"mawps {subset} record {index}",
                    f"repeats {first['id']} with answer {answer} instead of {first['expected_answer']}",
                )
    unmatched = set(_WRONG_DUPLICATES) - dropped_wrong
    if unmatched:
        raise ConversionError("mawps", f"records listed as wrong repeats are not repeats here: {sorted(unmatched)}")
    yield from kept.values()


BENCHMARK = Benchmark(
    name="mawps",
    description="MAWPS word problems: union of AddSub, SingleEq, SingleOp, MultiArith",
    sources=tuple(Source(subset, _URL.format(subset), sha256=_SHA256[subset]) for subset in SUBSETS),
    convert=convert,
    size=1978,
)

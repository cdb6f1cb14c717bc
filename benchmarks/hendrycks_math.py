"""Hendrycks MATH, the full 5000-problem test set (`math`; NeMo-Skills v0.7 calls it `hendrycks_math`).

Source: NeMo-Skills takes QwenLM/Qwen2.5-Math `evaluation/data/math/test.jsonl`, whose bytes could not be obtained
to pin. The adapter pins microsoft/ToRA `src/data/math/test.jsonl` instead: the same 5000 problems and solutions
in another format (`problem, level, type, solution, idx`, no `answer`). The converter accepts both formats.

Quirks handled:
- Qwen format: `answer` is used as is. ToRA format: the answer is the content of the last `\\boxed{...}` of the
  solution, braces matched (`\\boxed{\\frac{1}{2}}`), as in Hendrycks' own `last_boxed_only_string`.
- 90 solutions hold several boxes. Mostly they repeat one answer, and the last box is right. Where the last box
  is not the whole answer, `_ANSWER_FIXES` gives it, keyed by `idx`, with the start of the problem as a guard:
  * answers spread over several boxes ("Enter all solutions, separated by commas"): the boxes joined by ", ";
  * "either point is acceptable" (333, 2716, 2912, 2936): the first box; the alternative cannot be expressed
    in one `expected_answer` and will be graded wrong;
  * idx 4060 uses `\\boxed{N}` as notation and never boxes its answer (6).
- `level` is written as an int (`"Level 3"` -> 3); the ToRA `type` becomes `subject`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from nskit.datasets import Benchmark, ConversionError, Record, Source, SubsetField, boxed_answer
from nskit.records import iter_jsonl

# idx -> (start of the problem text, full answer). The prefix makes a misnumbered file fail loudly.
_ANSWER_FIXES: dict[int, tuple[str, str]] = {
    333: ("The sum of a 15-term arithmetic series", "-3"),
    414: ("Find all solutions to the equation $\\sqrt{3x+6}=x+2$", "-2, 1"),
    2152: ("Let $a = 4 + 3i,$ $b = 1 -2i,$", "5 - 10i, 11, -3 + 6i"),
    2549: ("Find all solutions to the equation \\[\\frac{\\left(\\frac{x}{x+", "-\\tfrac32, -\\tfrac34"),
    2656: ("Find all values of $b$ for which the equations $1988x^2", "-10879, 10879"),
    2703: ("Find all real values of $x$ such that $$\\frac{2x^2-3x}", "3, \\frac{2}{5}"),
    2716: ("Find the coordinates of one of the foci of the hyperbola", "(10, 0)"),
    2912: ("Find the coordinates of either of the vertices", "\\left(\\tfrac32, -\\tfrac52\\right)"),
    2936: ("The graph of $y = f(x)$ passes through the point $(-3,5)", "(3,-5)"),
    4060: ("Let $\\boxed{N}$ mean the number of whole number divisors", "6"),
    4559: ("When $\\begin{pmatrix} a \\\\ b \\end{pmatrix}$ is projected", "-1, 2"),
    4562: ("Find the angles of the triangle whose sides are $3 + \\sqrt{3}", "30^\\circ, 45^\\circ, 105^\\circ"),
    4860: ("Find all real $x \\in [0, 2 \\pi]$ such that", "\\frac{\\pi}{4}, \\frac{5\\pi}{4}"),
}
_LEVEL = re.compile(r"Level (\d+)")


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """One record per upstream line, from the Qwen format (with `answer`) or the ToRA format (without)."""
    for index, row in enumerate(iter_jsonl(files["test"])):
        yield convert_row(row, index)


def convert_row(row: Mapping[str, Any], index: int) -> Record:
    """Convert one upstream record (either format); `index` is its position in the file."""
    number = row.get("idx", index)
    where = f"math record {index} (idx {number})"
    if row.get("answer") not in (None, ""):
        answer = str(row["answer"])
    elif number in _ANSWER_FIXES:
        prefix, answer = _ANSWER_FIXES[number]
        if not row["problem"].startswith(prefix):
            raise ConversionError(where, f"answer fix expects a problem starting {prefix!r}")
    else:
        answer = boxed_answer(row["solution"], where)
    record: Record = {
        "id": str(row.get("unique_id") or f"math-{number}"),
        "problem": row["problem"],
        "expected_answer": answer,
        "reference_solution": row["solution"],
        "subject": row.get("subject") or row.get("type"),
        "level": _level(row.get("level"), where),
    }
    if row.get("unique_id"):
        record["unique_id"] = row["unique_id"]
    return record


def _level(level: Any, where: str) -> int | None:
    """MATH difficulty as an int: 3 and "Level 3" -> 3; MATH's "Level ?" -> None."""
    if level is None or isinstance(level, int):
        return level
    match = _LEVEL.fullmatch(str(level).strip())
    if match:
        return int(match.group(1))
    if str(level).strip() == "Level ?":
        return None
    raise ConversionError(where, f"unexpected level {level!r}")


BENCHMARK = Benchmark(
    name="math",
    aliases=("hendrycks_math",),
    description="Hendrycks MATH, full test set",
    sources=(
        Source(
            "test",
            "https://raw.githubusercontent.com/microsoft/ToRA/main/src/data/math/test.jsonl",
            sha256="3371949f33dd702d04b43fddd7d53a028de0aaca0e76abb1b875a050297b3aa4",
        ),
    ),
    convert=convert,
    size=5000,
    subset_fields=(SubsetField("level"), SubsetField("subject")),
)

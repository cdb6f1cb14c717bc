"""Two runs of one benchmark side by side: problems matched by `id` (else problem text, else position), the
problems whose majority verdict flipped first, then by how much the pass rate moved."""

from __future__ import annotations

from typing import Any

import numpy as np

from nskit.view.fields import CORRECT, MISSING
from nskit.view.index import BenchmarkIndex


def _rates(index: BenchmarkIndex) -> tuple[list[str], np.ndarray, list[float | None]]:
    matrix = index.bits()
    present = ((matrix & MISSING) == 0).sum(axis=0)
    correct = ((matrix & CORRECT) > 0).sum(axis=0)
    rate = np.where(present > 0, correct / np.maximum(present, 1), 0.0)
    return index.cells(matrix), rate, index.majority()[2]


def _match(a: BenchmarkIndex, b: BenchmarkIndex) -> list[tuple[int, int | None]]:
    """For each problem of run a, its position in run b (None: not there)."""
    keys = b.identities if None not in b.identities else list(range(b.problems))
    own = a.identities if None not in a.identities else list(range(a.problems))
    where: dict[Any, int] = {}
    for position, key in enumerate(keys):
        where.setdefault(key, position)
    return [(position, where.get(key)) for position, key in enumerate(own)]


def _right(score: float | None) -> bool | None:
    return None if score is None else score > 0.5


def compare_payload(a: BenchmarkIndex, b: BenchmarkIndex, bench_a: int, bench_b: int) -> dict[str, Any]:
    """Rows of the compare page, flipped problems first."""
    cells_a, rate_a, score_a = _rates(a)
    cells_b, rate_b, score_b = _rates(b)
    rows = []
    for pa, pb in _match(a, b):
        right_a = _right(score_a[pa])
        right_b = None if pb is None else _right(score_b[pb])
        flipped = right_a is not None and right_b is not None and right_a != right_b
        rows.append(
            {
                "a": pa,
                "b": pb,
                "text": a.texts[pa][:300],
                "cells_a": cells_a[pa],
                "cells_b": "" if pb is None else cells_b[pb],
                "rate_a": round(float(rate_a[pa]), 4),
                "rate_b": None if pb is None else round(float(rate_b[pb]), 4),
                "right_a": right_a,
                "right_b": right_b,
                "flipped": flipped,
            }
        )
    rows.sort(key=lambda r: (not r["flipped"], -abs((r["rate_b"] or 0.0) - r["rate_a"]), r["a"]))
    return {
        "benchmark": a.name,
        "bench_a": bench_a,
        "bench_b": bench_b,
        "files_a": [f.label for f in a.files],
        "files_b": [f.label for f in b.files],
        "only_in_a": sum(r["b"] is None for r in rows),
        "flipped": sum(r["flipped"] for r in rows),
        "rows": rows,
    }

"""The problem list of one benchmark: one row per problem, one cell per output file, filters and sort keys.

The page filters and sorts in the browser (5000 problems are a few hundred KB); it draws only the rows in view.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nskit.view.fields import CORRECT, DISAGREE, GENERATION_ERROR, GRADING_ERROR, MISSING, NO_ANSWER
from nskit.view.index import BenchmarkIndex

FLAGS = {
    "no_answer": NO_ANSWER,
    "disagree": DISAGREE,
    "grading_error": GRADING_ERROR,
    "generation_error": GENERATION_ERROR,
}
"""Per-problem flags (some file has this state), by the name the page's filters use."""


def problem_flags(matrix: np.ndarray) -> dict[str, list[int]]:
    """Per flag, the problems (0-based) that have it in some file."""
    if not matrix.size:
        return {name: [] for name in FLAGS}
    return {name: np.flatnonzero((matrix & bit).any(axis=0)).tolist() for name, bit in FLAGS.items()}


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def list_payload(index: BenchmarkIndex) -> dict[str, Any]:
    """The problem list: columnar per-problem data plus the files and facet values."""
    matrix = index.bits()
    correct = ((matrix & CORRECT) > 0).sum(axis=0) if matrix.size else np.zeros(index.problems, int)
    present = ((matrix & MISSING) == 0).sum(axis=0) if matrix.size else np.zeros(index.problems, int)
    majority, share, score, tied = index.majority()
    facets = {}
    for name, values in index.facets.items():
        labels = sorted({str(v) for v in values if v is not None})
        position = {label: number for number, label in enumerate(labels)}
        facets[name] = {"values": labels, "of": [-1 if v is None else position[str(v)] for v in values]}
    return {
        "benchmark": index.name,
        "files": [f.label for f in index.files],
        "voting": index.voting_files,
        "id": [_json_value(v) for v in index.ids],
        "text": index.texts,
        "expected": [_json_value(v) for v in index.expected],
        "cells": index.cells(matrix),
        "correct": correct.tolist(),
        "present": present.tolist(),
        "majority": majority,
        "share": [round(s, 4) for s in share],
        "score": score,
        "tied": tied,
        "flags": problem_flags(matrix),
        "facets": facets,
    }

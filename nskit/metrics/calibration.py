"""Calibration from teacher-forced traces (`ns token_traces`): how often a token of probability p is the right one.

At each reference token the model's top-K candidates are scored: a candidate is *correct* when it is the
reference token. Two summaries:

- the grid: the step's top-1 probability in ten bins x the reference token's rank (1..5, 6-10, 11-20, >20), as
  rates conditional on the bin (each row sums to 1) and unconditional (the whole grid sums to 1);
- the power law `log c = A + B log p`: candidates are grouped by probability in log-spaced bins, `c` is the
  share of correct candidates in a bin, fitted by least squares on the logs weighted by the correct count of
  each bin. `exp(A) * p^B` is the calibrated accuracy the `calibrated` knob thresholds.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from nskit.errors import UserError
from nskit.records.layout import TOKEN_TRACES, token_log_path
from nskit.records.token_log import TokenSteps, read_token_log

RANK_COLUMNS = ((1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 10), (11, 20), (21, None))
FIT_BINS = np.logspace(-4, 0, 25)
"""Edges of the probability bins of the fit (1e-4 .. 1; lower probabilities are left out)."""


def rank_column_labels() -> list[str]:
    """Names of the rank columns of the grid."""
    return [f"{low}" if low == high else (f"{low}-{high}" if high else f">{low - 1}") for low, high in RANK_COLUMNS]


def find_traces(root: Path) -> dict[str, Path]:
    """Trace files by benchmark under `root` (a dir holding token-traces/, or token-traces/ itself)."""
    base = root / TOKEN_TRACES if (root / TOKEN_TRACES).is_dir() else root
    if not base.is_dir():
        return {}
    return {p.parent.name: p for p in sorted(base.glob("*/output.jsonl")) if token_log_path(p).exists()}


def calibration_grid(traces: Iterable[TokenSteps]) -> dict:
    """Counts and rates of (top-1 probability tenth, reference rank) over every reference token."""
    counts = np.zeros((10, len(RANK_COLUMNS)), dtype=np.int64)
    for steps in traces:
        tenth = np.minimum((steps.top1_probs() * 10).astype(np.int64), 9)
        for column, (low, high) in enumerate(RANK_COLUMNS):
            inside = (steps.ranks >= low) & (steps.ranks <= (high if high is not None else np.iinfo(np.int64).max))
            counts[:, column] += np.bincount(tenth[inside], minlength=10)
    rows = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        conditional = np.where(rows > 0, counts / np.maximum(rows, 1), np.nan)
    total = counts.sum()
    unconditional = counts / total if total else np.zeros_like(counts, dtype=float)
    return {"ranks": rank_column_labels(), "bins": [f"[{b / 10:.1f}, {(b + 1) / 10:.1f})" for b in range(10)],
            "counts": counts.tolist(), "conditional": _nan_to_none(conditional),
            "unconditional": unconditional.tolist(), "tokens": int(total)}


def _nan_to_none(array: np.ndarray) -> list:
    return [[None if np.isnan(v) else float(v) for v in row] for row in array]


def candidate_bins(traces: Iterable[TokenSteps]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per probability bin of FIT_BINS: candidates, correct candidates, and the sum of their log p."""
    n_bins = len(FIT_BINS) - 1
    seen, hits, logp = np.zeros(n_bins), np.zeros(n_bins), np.zeros(n_bins)
    for steps in traces:
        p = steps.top_probs.astype(np.float64)
        correct = steps.top_ids == steps.chosen_ids[:, None]
        valid = p >= FIT_BINS[0]
        index = np.clip(np.searchsorted(FIT_BINS, p[valid], side="right") - 1, 0, n_bins - 1)
        seen += np.bincount(index, minlength=n_bins)
        hits += np.bincount(index, weights=correct[valid].astype(float), minlength=n_bins)
        logp += np.bincount(index, weights=np.log(p[valid]), minlength=n_bins)
    return seen, hits, logp


def power_law_fit(traces: Iterable[TokenSteps], min_correct: int = 5) -> dict:
    """Fit log c = A + B log p (weighted by the correct candidates of each bin); bins with fewer are left out."""
    seen, hits, logp = candidate_bins(traces)
    use = hits >= min_correct
    if use.sum() < 2:
        raise UserError(f"too few correct candidates to fit the calibration (need two bins with >= {min_correct})")
    x = logp[use] / seen[use]
    y = np.log(hits[use] / seen[use])
    w = hits[use]
    b, a = np.polyfit(x, y, 1, w=np.sqrt(w))
    points = [{"p": float(np.exp(px)), "c": float(np.exp(py)), "candidates": int(n), "correct": int(h)}
              for px, py, n, h in zip(x, y, seen[use], hits[use])]
    return {"A": float(a), "B": float(b), "bins": points}


def analyze_traces(path: Path) -> dict:
    """The grid and the power-law fit of one trace file."""
    traces = list(read_token_log(path).values())
    if not traces:
        raise UserError(f"{token_log_path(path)}: no traces")
    return {"traces": len(traces), "grid": calibration_grid(traces), "fit": power_law_fit(traces)}

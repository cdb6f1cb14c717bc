"""Spread across seeds, as NeMo-Skills' metrics.json reports it on `pass@1[avg-of-k]` rows.

For each series (a correctness column, or the reasoning / answer token counts) and each k >= 2:
- `avg`: the mean over problems of the mean of the first k values (fractions for correctness, tokens for counts);
- `std_dev_across_runs`: sample std of the k per-file averages; `std_err_across_runs` = that / sqrt(k);
- `avg_sample_std_dev`: the mean over problems of the sample std of that problem's first k values.
Computed in one pass from per-problem running sums and sums of squares, so every k comes out of the same read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

TOKEN_SERIES = ("reasoning_tokens", "answer_tokens")


def grow(array: np.ndarray, size: int) -> np.ndarray:
    """`array` with its last axis at least `size` long (doubling, new cells zero)."""
    if array.shape[-1] >= size:
        return array
    grown = np.zeros((*array.shape[:-1], max(size, 2 * array.shape[-1])), dtype=array.dtype)
    grown[..., : array.shape[-1]] = array
    return grown


@dataclass
class SeriesStatistics:
    """Running sums of several per-problem series (rows of `values`), one file at a time."""

    names: tuple[str, ...]
    file_sums: list[np.ndarray] = field(default_factory=list)
    """file_sums[i][series]: sum over problems of file i's values."""
    std_sums: list[np.ndarray] = field(default_factory=list)
    """std_sums[k-1][series]: sum over problems of the sample std of their first k values (k >= 2)."""

    def __post_init__(self) -> None:
        self._sum = np.zeros((len(self.names), 0))
        self._squares = np.zeros((len(self.names), 0))
        self._problems = 0

    def add(self, values: np.ndarray) -> None:
        """Add one file: `values[series][position]` (a missing value counts as 0)."""
        n = values.shape[1]
        self._problems = max(self._problems, n)
        self._sum, self._squares = grow(self._sum, self._problems), grow(self._squares, self._problems)
        self._sum[:, :n] += values
        self._squares[:, :n] += values.astype(float) ** 2
        self.file_sums.append(values.sum(axis=1).astype(float))
        k = len(self.file_sums)
        if k >= 2:
            total, squares = self._sum[:, : self._problems], self._squares[:, : self._problems]
            variance = np.maximum(squares - total**2 / k, 0.0) / (k - 1)
            self.std_sums.append(np.sqrt(variance).sum(axis=1))
        else:
            self.std_sums.append(np.zeros(len(self.names)))

    def at(self, k: int, problems: int, scale: float = 1.0) -> dict[str, dict[str, float]]:
        """`<series>_statistics` for the first k files (k >= 2), values divided by `scale`."""
        out = {}
        for index, name in enumerate(self.names):
            runs = [float(s[index]) / problems / scale for s in self.file_sums[:k]]
            mean = sum(runs) / k
            std = math.sqrt(sum((r - mean) ** 2 for r in runs) / (k - 1))
            out[f"{name}_statistics"] = {
                "avg": mean,
                "std_dev_across_runs": std,
                "avg_sample_std_dev": float(self.std_sums[k - 1][index]) / problems / scale,
                "std_err_across_runs": std / math.sqrt(k),
            }
        return out

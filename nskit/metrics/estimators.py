"""The estimators: unbiased pass@k (Chen et al., 2021), majority scoring with ties, sample standard deviation."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache


@lru_cache(maxsize=None)
def pass_at_k(n: int, c: int, k: int) -> float:
    """Probability that at least one of k samples drawn without replacement from n (c correct) is correct.

    1 - C(n-c, k) / C(n, k), computed exactly with integers; k == n gives 1 if c > 0 else 0.
    """
    if not 0 < k <= n or not 0 <= c <= n:
        raise ValueError(f"pass@k needs 0 < k <= n and 0 <= c <= n, got n={n}, c={c}, k={k}")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def mean_pass_at_k(histogram: Sequence[int], n: int, k: int) -> float:
    """Mean pass@k over problems given `histogram[c]` = number of problems with c correct out of n."""
    problems = sum(histogram)
    if problems == 0:
        return 0.0
    return sum(count * pass_at_k(n, c, k) for c, count in enumerate(histogram) if count) / problems


def sample_std(values: Sequence[float]) -> float:
    """Sample standard deviation (n - 1 in the denominator); 0 for fewer than two values."""
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


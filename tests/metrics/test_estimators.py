"""The estimators against brute force."""

from __future__ import annotations

import itertools
import math

import pytest

from nskit.metrics.estimators import mean_pass_at_k, pass_at_k, sample_std


@pytest.mark.parametrize("n", [1, 2, 3, 5, 6])
def test_pass_at_k_is_the_share_of_k_subsets_with_a_correct_sample(n: int) -> None:
    for c in range(n + 1):
        samples = [True] * c + [False] * (n - c)
        for k in range(1, n + 1):
            subsets = list(itertools.combinations(samples, k))
            brute = sum(any(s) for s in subsets) / len(subsets)
            assert pass_at_k(n, c, k) == pytest.approx(brute)


def test_pass_at_k_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        pass_at_k(3, 1, 4)
    with pytest.raises(ValueError):
        pass_at_k(3, 4, 1)


def test_mean_pass_at_k_over_a_histogram() -> None:
    # problems with c = 0, 1, 2 correct out of 3; pass@2 = (0 + 2/3 + 1) / 3
    assert mean_pass_at_k([1, 1, 1, 0], 3, 2) == pytest.approx((0 + 2 / 3 + 1) / 3)
    assert mean_pass_at_k([0, 0, 0], 2, 1) == 0.0


def test_sample_std_uses_n_minus_one() -> None:
    assert sample_std([50.0, 50.0, 25.0]) == pytest.approx(math.sqrt(625 / 3))
    assert sample_std([42.0]) == 0.0

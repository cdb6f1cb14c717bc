"""The calibration grid and the power-law fit, on synthetic traces whose answers are known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nskit.metrics.calibration import calibration_grid, power_law_fit
from nskit.records.token_log import TokenSteps

OUTSIDE = 10**6
"""Token id of a reference token outside the top-K."""


def synthetic(a: float, b: float, steps: int = 20000, k: int = 20, seed: int = 0) -> TokenSteps:
    """Traces where a candidate of probability p is the reference token with probability exp(a) * p^b."""
    rng = np.random.default_rng(seed)
    probs = -np.sort(-rng.dirichlet(np.full(k + 10, 0.3), size=steps)[:, :k], axis=1)
    ids = np.tile(np.arange(k), (steps, 1)) + 100 * np.arange(steps)[:, None]
    c = np.exp(a) * probs**b
    assert c.sum(axis=1).max() <= 1
    u = rng.random(steps)
    pick = (np.cumsum(c, axis=1) < u[:, None]).sum(axis=1)  # == k: the reference is outside the top-K
    inside = pick < k
    chosen = np.where(inside, ids[np.arange(steps), np.minimum(pick, k - 1)], OUTSIDE)
    chosen_p = np.where(inside, probs[np.arange(steps), np.minimum(pick, k - 1)], 0.0)
    ranks = np.where(inside, pick + 1, k + 1)
    return TokenSteps(chosen, chosen_p.astype(np.float32), ranks, ids, probs.astype(np.float32))


@pytest.mark.parametrize(("a", "b"), [(-0.2, 1.3), (0.0, 1.0), (-0.7, 0.8)])
def test_power_law_fit_recovers_known_parameters(a: float, b: float) -> None:
    fit = power_law_fit([synthetic(a, b)])
    assert fit["A"] == pytest.approx(a, abs=0.08)
    assert fit["B"] == pytest.approx(b, abs=0.04)
    assert all(point["correct"] >= 5 for point in fit["bins"])


def test_grid_on_hand_made_traces() -> None:
    # three reference tokens: top-1 0.95 and rank 1; top-1 0.45 and rank 2; top-1 0.45 and rank 30
    steps = TokenSteps(
        chosen_ids=np.array([1, 2, 9]), chosen_probs=np.array([0.95, 0.3, 0.001], np.float32),
        ranks=np.array([1, 2, 30]), top_ids=np.array([[1, 5], [7, 2], [7, 8]]),
        top_probs=np.array([[0.95, 0.02], [0.45, 0.3], [0.45, 0.2]], np.float32),
    )
    grid = calibration_grid([steps])
    counts = np.array(grid["counts"])
    assert counts.sum() == 3 and counts[9, 0] == 1 and counts[4, 1] == 1 and counts[4, 7] == 1
    assert grid["conditional"][4][1] == pytest.approx(0.5) and grid["conditional"][4][7] == pytest.approx(0.5)
    assert grid["conditional"][0][0] is None  # an empty bin has no rate
    assert grid["unconditional"][9][0] == pytest.approx(1 / 3)
    assert grid["ranks"] == ["1", "2", "3", "4", "5", "6-10", "11-20", ">20"]


def test_fit_needs_enough_correct_candidates() -> None:
    from nskit.errors import UserError

    with pytest.raises(UserError, match="too few correct candidates"):
        power_law_fit([synthetic(-0.2, 1.3, steps=3)])
    assert math.isfinite(power_law_fit([synthetic(-0.2, 1.3, steps=3000)])["A"])

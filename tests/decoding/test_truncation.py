"""Every decoding knob on hand-made distributions: the exact kept set and the distribution that is sampled."""

from __future__ import annotations

import math

import pytest
import torch

from nskit.decoding import truncation
from nskit.decoding.truncation import apply_knobs

P = [0.55, 0.25, 0.12, 0.08]
"""Top-1 probability 0.55: tenth 6, far from a bin edge."""


def sampled(knobs: dict, probs: list[float] = P, temperature: float = 1.0) -> torch.Tensor:
    """The distribution vLLM samples from after the knobs: softmax(processed logits / request temperature)."""
    logits = torch.log(torch.tensor([probs]))
    out = apply_knobs(logits, {0: knobs}, {0: temperature})
    return torch.softmax(out[0] / temperature, dim=-1)


def renormalised(kept: list[int], probs: list[float] = P) -> torch.Tensor:
    mass = sum(probs[i] for i in kept)
    return torch.tensor([probs[i] / mass if i in kept else 0.0 for i in range(len(probs))])


def entropy(probs: list[float]) -> float:
    return -sum(p * math.log(p) for p in probs if p > 0)


@pytest.mark.parametrize(
    ("knobs", "kept"),
    [
        ({"greedy_threshold": 0.55}, [0]),  # p_top >= g: greedy
        ({"greedy_threshold": 0.0}, [0]),
        ({"greedy_threshold": 0.6}, [0, 1, 2, 3]),  # unsure: the whole distribution
        ({"epsilon": 0.2}, [0, 1]),
        ({"epsilon": 0.1}, [0, 1, 2]),
        ({"epsilon": 0.9}, [0]),  # nothing reaches epsilon: the top-1 stays
        ({"dynamic_top_k": [1, 1, 1, 1, 1, 3, 1, 1, 1, 1]}, [0, 1, 2]),  # tenth 6 -> k = 3
        ({"dynamic_top_k": [5, 5, 5, 5, 5, 2, 5, 5, 5, 5]}, [0, 1]),
        ({"dynamic_top_k": [1] * 10}, [0]),
        ({"dynamic_top_k": [9] * 10}, [0, 1, 2, 3]),  # k beyond the vocabulary keeps it all
        ({"confidence_bin": 6}, [0, 1, 2, 3]),  # p_top in tenth 6: sampled
        ({"confidence_bin": 3}, [0]),  # elsewhere: greedy
        ({"calibrated": [0.0, 1.0, 0.2]}, [0, 1]),  # p >= 0.2
        ({"calibrated": [math.log(4), 2.0, 0.05]}, [0, 1, 2]),  # 4 p^2 >= 0.05 <=> p >= 0.1118
        ({"calibrated": [0.0, 1.0, 0.99]}, [0]),
        ({"epsilon": 0.1, "dynamic_top_k": [2] * 10}, [0, 1]),  # kept sets intersect
        ({"greedy_threshold": 0.9, "calibrated": [0.0, 1.0, 0.1]}, [0, 1, 2]),
    ],
)
def test_truncation_keeps_exactly_these_tokens(knobs: dict, kept: list[int]) -> None:
    torch.testing.assert_close(sampled(knobs), renormalised(kept), atol=1e-6, rtol=0)


def test_hewitt_epsilon_cut_depends_on_entropy() -> None:
    h = entropy(P)  # 1.132 nats: exp(-H) sqrt(eta) < eta once eta > exp(-2H) = 0.104
    for eta, kept in ((0.05, [0, 1, 2, 3]), (0.1, [0, 1, 2]), (0.3, [0, 1]), (0.9, [0])):
        cut = min(eta, math.sqrt(eta) * math.exp(-h))
        assert kept == [i for i, p in enumerate(P) if p >= cut], "the hand-made case must match the formula"
        torch.testing.assert_close(sampled({"hewitt_epsilon": eta}), renormalised(kept), atol=1e-6, rtol=0)
    # A flatter distribution (higher entropy) lowers the cut: eta = 0.3 cuts at 0.138 and keeps all four.
    flat = [0.3, 0.25, 0.25, 0.2]
    torch.testing.assert_close(sampled({"hewitt_epsilon": 0.3}, flat), renormalised([0, 1, 2, 3], flat), atol=1e-6, rtol=0)


@pytest.mark.parametrize("request_temperature", [1.0, 0.5, 1.3])
def test_edt_samples_at_its_own_temperature_whatever_the_request_temperature(request_temperature: float) -> None:
    n, theta, t0 = 0.8, 1.0, 1.2
    t = t0 * n ** (theta / entropy(P))
    expected = torch.softmax(torch.log(torch.tensor(P)) / t, dim=-1)
    got = sampled({"edt": [n, theta, t0]}, temperature=request_temperature)
    torch.testing.assert_close(got, expected, atol=1e-6, rtol=0)
    assert t < t0  # N < 1, theta > 0: cooler than T0, the more so the lower the entropy


def test_edt_direction_follows_entropy() -> None:
    confident = torch.tensor([[0.97, 0.01, 0.01, 0.01]])
    unsure = torch.tensor([[0.25, 0.25, 0.25, 0.25]])
    params = torch.tensor([[0.8, 1.0, 1.0]])
    assert truncation.edt_temperature(confident, params) < truncation.edt_temperature(unsure, params) < 1.0
    warmer = torch.tensor([[1.5, 1.0, 1.0]])  # N > 1 raises T above T0
    assert truncation.edt_temperature(unsure, warmer) > 1.0


def test_edt_temperature_is_floored_when_the_model_is_certain() -> None:
    certain = torch.tensor([[1.0, 0.0, 0.0]])
    assert truncation.edt_temperature(certain, torch.tensor([[0.5, 1.0, 1.0]])).item() == pytest.approx(truncation.MIN_EDT_TEMPERATURE)


def test_confidence_tenths_at_the_edges() -> None:
    probs = torch.tensor([[1.0, 0.0], [0.5, 0.5], [0.96, 0.04], [0.14, 0.86]])
    assert truncation.confidence_tenth(probs).tolist() == [10, 6, 10, 9]


def test_rows_without_knobs_and_other_rows_keep_their_own() -> None:
    other = [0.4, 0.3, 0.2, 0.1]
    logits = torch.log(torch.tensor([P, other, P]))
    before = logits.clone()
    apply_knobs(logits, {0: {"epsilon": 0.2}, 2: {"dynamic_top_k": [1] * 10}}, {0: 1.0, 2: 1.0})
    torch.testing.assert_close(torch.softmax(logits[0], -1), renormalised([0, 1]), atol=1e-6, rtol=0)
    torch.testing.assert_close(logits[1], before[1])  # untouched
    torch.testing.assert_close(torch.softmax(logits[2], -1), renormalised([0]), atol=1e-6, rtol=0)


def test_bfloat16_logits_come_back_in_their_dtype() -> None:
    logits = torch.log(torch.tensor([P])).to(torch.bfloat16)
    out = apply_knobs(logits, {0: {"epsilon": 0.2}}, {0: 1.0})
    assert out.dtype == torch.bfloat16
    assert torch.isinf(out[0, 2:]).all() and torch.isfinite(out[0, :2]).all()

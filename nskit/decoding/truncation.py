"""The decoding knobs on tensors: each truncation knob maps the model's probabilities to the tokens it keeps.

Every function takes `probs` (rows x vocabulary, the softmax of the raw logits at temperature 1) and per-row
parameters, and returns a boolean mask of kept tokens; `apply_knobs` runs them for the rows of a batch that ask
for them, intersects the kept sets, and applies `edt`'s temperature. Formulas: `docs/decoding.md`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

MIN_EDT_TEMPERATURE = 1e-2
"""EDT's T tends to 0 as the entropy does (N < 1): held here, where sampling is already greedy in effect."""


def top1_mask(probs: torch.Tensor) -> torch.Tensor:
    """Only the most probable token of each row."""
    mask = torch.zeros_like(probs, dtype=torch.bool)
    return mask.scatter_(1, probs.argmax(dim=-1, keepdim=True), True)


def entropy(probs: torch.Tensor) -> torch.Tensor:
    """Entropy of each row in nats (0 log 0 = 0)."""
    return torch.special.entr(probs).sum(dim=-1)


def confidence_tenth(probs: torch.Tensor) -> torch.Tensor:
    """The tenth (1..10) of each row's top-1 probability: bin b holds [(b-1)/10, b/10), and 1.0 falls in 10."""
    return (probs.max(dim=-1).values * 10).floor().clamp(max=9).long() + 1


def greedy_threshold(probs: torch.Tensor, threshold: torch.Tensor) -> torch.Tensor:
    """Top-1 only where p_top >= threshold; the whole distribution elsewhere."""
    sure = probs.max(dim=-1).values >= threshold
    return torch.where(sure.unsqueeze(1), top1_mask(probs), torch.ones_like(probs, dtype=torch.bool))


def epsilon(probs: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """Epsilon sampling: tokens with p >= eps (the top-1 always stays)."""
    return (probs >= eps.unsqueeze(1)) | top1_mask(probs)


def hewitt_epsilon(probs: torch.Tensor, eta: torch.Tensor) -> torch.Tensor:
    """Eta sampling (Hewitt et al. 2022): tokens with p >= min(eta, sqrt(eta) * exp(-H)), top-1 always kept."""
    cut = torch.minimum(eta, eta.sqrt() * torch.exp(-entropy(probs)))
    return (probs >= cut.unsqueeze(1)) | top1_mask(probs)


def dynamic_top_k(probs: torch.Tensor, ks: torch.Tensor) -> torch.Tensor:
    """The k most probable tokens, k = ks[row, tenth of p_top - 1] (ks: rows x 10)."""
    k = ks.gather(1, confidence_tenth(probs).unsqueeze(1) - 1).squeeze(1).clamp(max=probs.shape[1])
    _, order = probs.topk(int(k.max()), dim=-1)
    within = torch.arange(order.shape[1], device=probs.device).unsqueeze(0) < k.unsqueeze(1)
    return torch.zeros_like(probs, dtype=torch.bool).scatter_(1, order, within)


def confidence_bin(probs: torch.Tensor, wanted: torch.Tensor) -> torch.Tensor:
    """The whole distribution where p_top falls in tenth `wanted` (1..10); top-1 only elsewhere."""
    inside = confidence_tenth(probs) == wanted
    return torch.where(inside.unsqueeze(1), torch.ones_like(probs, dtype=torch.bool), top1_mask(probs))


def calibrated(probs: torch.Tensor, params: torch.Tensor) -> torch.Tensor:
    """Tokens whose calibrated accuracy exp(A) * p^B reaches the threshold (params: rows x [A, B, threshold])."""
    a, b, threshold = params.unbind(dim=1)
    score = torch.exp(a).unsqueeze(1) * probs.pow(b.unsqueeze(1))
    return (score >= threshold.unsqueeze(1)) | top1_mask(probs)


def edt_temperature(probs: torch.Tensor, params: torch.Tensor) -> torch.Tensor:
    """EDT (Zhang et al. 2024): T = T0 * N^(theta / H) per row (params: rows x [N, theta, T0])."""
    n, theta, t0 = params.unbind(dim=1)
    h = entropy(probs).clamp(min=1e-6)
    return (t0 * n.pow(theta / h)).clamp(min=MIN_EDT_TEMPERATURE)


TRUNCATIONS = {
    "greedy_threshold": greedy_threshold,
    "epsilon": epsilon,
    "hewitt_epsilon": hewitt_epsilon,
    "dynamic_top_k": dynamic_top_k,
    "confidence_bin": confidence_bin,
    "calibrated": calibrated,
}
"""Knob name -> kept-set function; each is computed on the raw distribution, so their order does not matter."""


def apply_knobs(logits: torch.Tensor, rows: Mapping[int, dict[str, Any]], temperatures: Mapping[int, float]) -> torch.Tensor:
    """Apply each row's knobs to `logits` (batch x vocabulary) in place and return it.

    `rows` maps a batch row to its knobs (name -> checked value); `temperatures` holds each row's request
    temperature, which vLLM divides by after this runs: `edt` scales its rows so the net temperature is its T.
    Removed tokens get -inf.
    """
    if not rows:
        return logits
    index = sorted(rows)
    sub = logits[index].float()
    probs = torch.softmax(sub, dim=-1)
    keep = torch.ones_like(sub, dtype=torch.bool)
    for name, function in TRUNCATIONS.items():
        mine = [i for i, row in enumerate(index) if name in rows[row]]
        if mine:
            values = torch.tensor([rows[index[i]][name] for i in mine], dtype=torch.float32, device=sub.device)
            keep[mine] &= function(probs[mine], values)
    sub = sub.masked_fill(~keep, float("-inf"))
    hot = [i for i, row in enumerate(index) if "edt" in rows[row]]
    if hot:
        params = torch.tensor([rows[index[i]]["edt"] for i in hot], dtype=torch.float32, device=sub.device)
        request_t = torch.tensor([temperatures[index[i]] for i in hot], dtype=torch.float32, device=sub.device)
        sub[hot] = sub[hot] * (request_t / edt_temperature(probs[hot], params)).unsqueeze(1)
    logits[index] = sub.to(logits.dtype)
    return logits

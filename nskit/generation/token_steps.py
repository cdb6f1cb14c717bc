"""Turn a server's logprobs into the `TokenSteps` of a token log: generated steps (tokens sent as `token_id:N`) and
prompt tokens (vLLM's `prompt_logprobs`, for teacher-forced traces)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nskit.records.token_log import TokenSteps

_ID_PREFIX = "token_id:"


def token_id(token: str) -> int:
    """The id in vLLM's `token_id:N` form (requested with `return_tokens_as_token_ids`)."""
    if not token.startswith(_ID_PREFIX):
        raise ValueError(f"expected a token as 'token_id:N' (vLLM return_tokens_as_token_ids), got {token!r}")
    return int(token[len(_ID_PREFIX):])


def steps_from_logprobs(entries: list[dict[str, Any]], k: int) -> TokenSteps:
    """The token log of one generation from the client's logprobs (`token`, `logprob`, `top_logprobs`).

    vLLM lists the chosen token first and then the best others, K entries in all: the chosen token's rank is
    exact when fewer than K - 1 others beat it, and K ("K or worse") otherwise.
    """
    n = len(entries)
    chosen = np.zeros(n, np.int64)
    chosen_p = np.zeros(n, np.float32)
    ranks = np.zeros(n, np.int64)
    top_ids = np.zeros((n, k), np.int64)
    top_p = np.zeros((n, k), np.float32)
    for i, entry in enumerate(entries):
        chosen[i] = token_id(entry["token"])
        chosen_p[i] = math.exp(entry["logprob"])
        alternatives = sorted(((lp, token_id(t)) for t, lp in entry["top_logprobs"].items()), reverse=True)[:k]
        better = sum(1 for lp, tid in alternatives if lp > entry["logprob"] and tid != chosen[i])
        ranks[i] = min(better + 1, k)
        for j, (lp, tid) in enumerate(alternatives):
            top_ids[i, j], top_p[i, j] = tid, math.exp(lp)
    return TokenSteps(chosen, chosen_p, ranks, top_ids, top_p)


def steps_from_prompt_logprobs(entries: list[dict[str, Any] | None], k: int) -> TokenSteps:
    """TokenSteps from vLLM prompt logprobs: each entry maps token id -> {logprob, rank}, the prompt token first."""
    n = len(entries)
    chosen, ranks = np.zeros(n, np.int64), np.zeros(n, np.int64)
    chosen_p, top_ids, top_p = np.zeros(n, np.float32), np.zeros((n, k), np.int64), np.zeros((n, k), np.float32)
    for i, entry in enumerate(entries):
        if not entry:
            raise ValueError(f"prompt token {i} has no logprobs")
        (token, first), *_ = entry.items()
        chosen[i], chosen_p[i], ranks[i] = int(token), math.exp(first["logprob"]), int(first["rank"])
        best = sorted(((v["logprob"], int(t)) for t, v in entry.items()), reverse=True)[:k]
        for j, (lp, tid) in enumerate(best):
            top_ids[i, j], top_p[i, j] = tid, math.exp(lp)
    return TokenSteps(chosen, chosen_p, ranks, top_ids, top_p)

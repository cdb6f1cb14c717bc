"""The knobs inside a real vLLM CPU server (embedded model), through nskit's client, read back from token logs."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest

from nskit.config.generation import InferenceConfig
from nskit.generation.decoding import DecodingUnavailable, check_server_applies_knobs
from nskit.generation.client import ModelClient
from nskit.generation.errors import RequestFailed
from nskit.generation.token_steps import steps_from_logprobs
from nskit.prompt.render import Prompt
from nskit.records.token_log import TokenSteps

pytestmark = pytest.mark.vllm

PROMPTS = [
    "Write a short poem about the sea.",
    "What is 17 times 23? Explain step by step.",
    "List three uses of a paperclip.",
    "Describe a cat to someone who has never seen one.",
]


def chat(text: str) -> Prompt:
    return Prompt(messages=[{"role": "user", "content": text}])


async def run(address: str, jobs: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, TokenSteps | None]]:
    """Send every (prompt, inference settings) at once; (text, token log) of each."""
    client = ModelClient(address, max_connections=16)
    try:
        async def one(text: str, settings: dict[str, Any]) -> tuple[str, TokenSteps | None]:
            params = InferenceConfig(**settings)
            completion = await client.generate(chat(text), params)
            steps = steps_from_logprobs(completion.logprobs, params.token_log) if params.token_log else None
            return completion.text, steps

        return await asyncio.gather(*(one(text, settings) for text, settings in jobs))
    finally:
        await client.close()


def serially(address: str, jobs: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """One request in flight at a time: each batch holds only it, as on a `--max-num-seqs 1` server."""
    return [asyncio.run(run(address, [job]))[0][0] for job in jobs]


def test_greedy_threshold_zero_and_top_k_of_ones_reproduce_greedy(decoding_server: str) -> None:
    prompts = PROMPTS[:3]
    greedy = serially(decoding_server, [(p, {"tokens_to_generate": 32}) for p in prompts])
    hot = {"temperature": 1.0, "tokens_to_generate": 32}
    threshold = serially(decoding_server, [(p, {**hot, "random_seed": 5, "greedy_threshold": 0.0}) for p in prompts])
    top_k = serially(decoding_server, [(p, {**hot, "random_seed": 7, "dynamic_top_k": [1] * 10}) for p in prompts])
    plain = serially(decoding_server, [(p, {**hot, "random_seed": 5}) for p in prompts])
    assert threshold == greedy
    assert top_k == greedy
    assert plain != greedy  # temperature 1 without a knob does sample: the comparison can fail


def below(steps: TokenSteps, floor: float) -> int:
    """Steps whose chosen token has probability < floor although it is not the top-1 (a sampled step)."""
    return int(np.sum((steps.chosen_probs < floor) & (steps.ranks > 1)))


def test_epsilon_leaves_no_sampled_step_below_epsilon(decoding_server: str) -> None:
    settings = {"temperature": 1.0, "tokens_to_generate": 60, "token_log": 5}
    runs = asyncio.run(run(decoding_server, [(p, {**settings, "random_seed": i, "epsilon": 0.2})
                                             for i, p in enumerate(PROMPTS)]
                           + [(p, {**settings, "random_seed": i}) for i, p in enumerate(PROMPTS)]))
    truncated, plain = [s for _, s in runs[:4]], [s for _, s in runs[4:]]
    assert sum(len(s) for s in truncated) >= 200
    for steps in truncated:
        assert below(steps, 0.2) == 0
        # where even the top-1 is below epsilon, the top-1 is what was taken
        assert np.all((steps.chosen_probs >= 0.2 - 1e-3) | (steps.ranks == 1))
    assert sum(below(s, 0.2) for s in plain) > 0  # without the knob such steps occur


def test_edt_moves_the_sampled_distribution_in_the_documented_direction(decoding_server: str) -> None:
    """N < 1: T <= T0, cooler where the model is sure (more top-1 picks, likelier tokens); N > 1: warmer."""
    settings = {"temperature": 1.0, "tokens_to_generate": 50, "token_log": 5}
    variants = {"plain": {}, "cool": {"edt": [0.25, 1.0, 1.0]}, "warm": {"edt": [4.0, 1.0, 1.0]}}
    jobs = [(p, {**settings, "random_seed": i, **knob}) for knob in variants.values() for i, p in enumerate(PROMPTS)]
    runs = asyncio.run(run(decoding_server, jobs))
    measured = {}
    for index, name in enumerate(variants):
        steps = [s for _, s in runs[index * 4:(index + 1) * 4]]
        ranks = np.concatenate([s.ranks for s in steps])
        chosen = np.concatenate([s.chosen_probs for s in steps])
        assert len(ranks) >= 190, name  # about 200 steps each (a generation may stop early)
        measured[name] = (np.mean(ranks == 1), np.mean(np.log(np.maximum(chosen, 1e-8))))
    assert measured["cool"][0] > measured["plain"][0] > measured["warm"][0], measured
    assert measured["cool"][1] > measured["plain"][1] > measured["warm"][1], measured


def test_requests_in_flight_together_each_get_their_own_knobs(decoding_server: str) -> None:
    settings = {"temperature": 1.0, "tokens_to_generate": 64, "token_log": 5, "random_seed": 3}
    runs = asyncio.run(run(decoding_server, [
        (PROMPTS[0], {**settings, "epsilon": 0.5}),
        (PROMPTS[0], {**settings, "greedy_threshold": 0.0}),
        (PROMPTS[0], settings),
        (PROMPTS[0], {**settings, "confidence_bin": 10}),
    ]))
    (_, eps), (_, greedy), (_, plain), (_, sure_only) = runs
    assert below(eps, 0.5) == 0
    assert np.all(greedy.ranks == 1)
    assert below(plain, 0.5) > 0
    # confidence_bin 10 samples only where p_top >= 0.9; elsewhere the top-1 was taken
    assert np.all((sure_only.ranks == 1) | (sure_only.top1_probs() >= 0.9 - 1e-3))


def test_servers_that_ignore_knobs_are_a_clear_error(decoding_server: str) -> None:
    from tests.judge.fake_openai import fake_openai

    async def check(address: str) -> None:
        client = ModelClient(address)
        try:
            await check_server_applies_knobs(client)
        finally:
            await client.close()

    asyncio.run(check(decoding_server))
    # An endpoint that answers (ignoring vllm_xargs, as vLLM without the processor does) or refuses the field
    # (as OpenAI does): both stop the run before any record is generated.
    with fake_openai(lambda prompt, attempt: (200, {}, "hello")) as endpoint:
        with pytest.raises(DecodingUnavailable, match="ignores decoding knobs.*--logits-processors"):
            asyncio.run(check(endpoint.base_url))
    refusal = "Unrecognized request argument supplied: vllm_xargs"
    with fake_openai(lambda prompt, attempt: (400, {}, refusal)) as endpoint:
        with pytest.raises(DecodingUnavailable, match=f"refused the check.*{refusal}"):
            asyncio.run(check(endpoint.base_url))


def test_bad_knob_for_a_greedy_request_is_refused_by_the_server(decoding_server: str) -> None:
    with pytest.raises(RequestFailed, match="http_400.*edt need"):
        asyncio.run(run(decoding_server, [(PROMPTS[0], {"edt": [0.8, 1.0, 1.0], "tokens_to_generate": 4})]))

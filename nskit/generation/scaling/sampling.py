"""Strategies that sample independent answers: `best_of_n` (keep the best-scored) and `self_consistency` (majority)."""

from __future__ import annotations

import asyncio
from typing import Any

from nskit.config.scaling import BestOfNSettings, SelfConsistencySettings
from nskit.generation.client import Completion
from nskit.generation.scaling.context import Context, Outcome, answer_of, majority
from nskit.generation.scaling.scorers import Candidate
from nskit.records import schema


async def sample(ctx: Context, n: int, temperature: float, logprobs: bool = False) -> list[Completion]:
    """n answers to the benchmark's prompt, each with its own seed, sent concurrently."""
    updates: dict[str, Any] = {"top_logprobs": 0} if logprobs else {}
    prompt = ctx.prompt()
    return list(await asyncio.gather(
        *(ctx.model.generate(prompt, ctx.params(temperature=temperature, index=i, **updates)) for i in range(n))
    ))


async def best_of_n(ctx: Context, settings: BestOfNSettings) -> Outcome:
    """Sample n, score each with the scorer, keep the best (first on ties)."""
    scorer = ctx.services.scorer
    completions = await sample(ctx, settings.n, settings.temperature, logprobs=scorer.needs_logprobs)
    scores = await scorer.score(ctx, [Candidate(c.text, c.logprobs) for c in completions])
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    candidates = [{schema.GENERATION: c.text, scorer.field: s, **_answer(ctx, c.text, settings.extraction)}
                  for c, s in zip(completions, scores)]
    return Outcome(completions[best].text, {"scorer": scorer.name, schema.CANDIDATES: candidates, "best": best},
                   completions[best].finish_reason)


def _answer(ctx: Context, text: str, extraction: str) -> dict[str, Any]:
    """A best_of_n candidate's answer: the extracted one, or for code its visible-test outcomes when the scorer
    ran them (`tests`)."""
    if ctx.code:
        return {ctx.answer_field: ctx.outcomes[text]} if text in ctx.outcomes else {}
    return {ctx.answer_field: answer_of(text, extraction)}


async def self_consistency(ctx: Context, settings: SelfConsistencySettings) -> Outcome:
    """Sample n, final = the first sample whose answer is the majority answer (code: the first program with the
    majority outcome vector on the visible tests)."""
    completions = await sample(ctx, settings.n, settings.temperature)
    answers = await ctx.vote_keys([c.text for c in completions], settings.extraction)
    winner, votes = majority(answers)
    chosen = answers.index(winner) if winner is not None else 0
    trajectory = {schema.CANDIDATES: [{schema.GENERATION: c.text, ctx.answer_field: a} for c, a in zip(completions, answers)],
                  "majority_answer": winner, "majority_votes": votes}
    return Outcome(completions[chosen].text, trajectory, completions[chosen].finish_reason)

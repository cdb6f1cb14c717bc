"""`beam_search`: step-level search over partial solutions.

Each step, every live beam is continued `expansions` times by a generation stopped at the step delimiter; the new
partial solutions (and beams already finished) are scored and the top `beam_width` kept. A beam finishes when its
step ends without the delimiter (end of answer or `tokens_to_generate` spent). The search ends when every kept beam
is finished or after `max_steps`; the final answer is the best-scored beam.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from nskit.config.scaling import BeamSearchSettings
from nskit.generation.scaling.context import Context, Outcome, continued
from nskit.generation.scaling.scorers import Candidate


@dataclass
class Beam:
    """A partial solution: its text, all its token logprobs so far, whether it is finished, and its score."""

    text: str = ""
    logprobs: list[dict[str, Any]] = field(default_factory=list)
    tokens: int = 0
    finished: bool = False
    finish_reason: str | None = None
    score: float = 0.0


def keep_best(beams: list[Beam], width: int) -> list[Beam]:
    """The `width` best-scored beams (stable: earlier beams win ties)."""
    ranked = sorted(enumerate(beams), key=lambda item: (-item[1].score, item[0]))
    return [beam for _, beam in ranked[:width]]


async def _expand(ctx: Context, settings: BeamSearchSettings, beam: Beam, index: int, logprobs: bool) -> Beam:
    prompt, extra = continued(ctx.prompt(), beam.text)
    left = ctx.job.inference.tokens_to_generate - beam.tokens
    params = ctx.params(
        temperature=settings.temperature, index=index, tokens_to_generate=max(1, min(settings.step_tokens, left)),
        stop_phrases=[*ctx.job.inference.stop_phrases, settings.delimiter], **({"top_logprobs": 0} if logprobs else {}),
    )
    completion = await ctx.model.generate(prompt, params, extra or None)
    tokens = beam.tokens + (completion.completion_tokens or 0)
    at_delimiter = completion.finish_reason == "stop" and completion.stop_reason == settings.delimiter
    step = completion.text + (settings.delimiter if at_delimiter else "")
    finished = not at_delimiter or tokens >= ctx.job.inference.tokens_to_generate
    return Beam(beam.text + step, beam.logprobs + (completion.logprobs or []), tokens, finished,
                completion.finish_reason)


async def beam_search(ctx: Context, settings: BeamSearchSettings) -> Outcome:
    """Search with `beam_width` beams for at most `max_steps` steps."""
    scorer = ctx.services.scorer
    beams = [Beam()]
    steps: list[dict[str, Any]] = []
    for step_index in range(settings.max_steps):
        live = [b for b in beams if not b.finished]
        if not live:
            break
        expanded = list(await asyncio.gather(*(
            _expand(ctx, settings, beam, step_index * 1000 + b * settings.expansions + e, scorer.needs_logprobs)
            for b, beam in enumerate(live) for e in range(settings.expansions)
        )))
        scores = await scorer.score(ctx, [Candidate(b.text, b.logprobs) for b in expanded])
        for beam, score in zip(expanded, scores):
            beam.score = score
        pool = [b for b in beams if b.finished] + expanded
        beams = keep_best(pool, settings.beam_width)
        steps.append({"candidates": [{"text": b.text, scorer.field: b.score, "finished": b.finished} for b in pool],
                      "kept": [pool.index(b) for b in beams]})
    best = keep_best(beams, 1)[0]
    return Outcome(best.text, {"scorer": scorer.name, "steps": steps, "final_score": best.score}, best.finish_reason)

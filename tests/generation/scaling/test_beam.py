"""beam_search bookkeeping with a scripted model."""

from __future__ import annotations

import asyncio

from nskit.config.scaling import BeamSearchSettings
from nskit.generation.scaling.beam import Beam, beam_search, keep_best
from nskit.generation.scaling.scorers import Scorer
from tests.generation.scaling.scripted import ScriptedModel, make_context


class LengthScorer(Scorer):
    """Scores a partial solution by how many 'good' steps it has (deterministic, no model calls)."""

    name = "length"

    def __init__(self) -> None:
        self.calls: list[int] = []

    async def score(self, ctx, candidates):
        self.calls.append(len(candidates))
        return [c.text.count("good") - 0.01 * len(c.text) for c in candidates]


def _step_model(finish_after: int):
    def reply(prompt, params, extra):
        partial = prompt.messages[-1]["content"] if prompt.messages[-1]["role"] == "assistant" else ""
        depth = partial.count("\n\n")
        word = "good" if params.random_seed % 2 == 0 else "bad"
        if depth + 1 >= finish_after:
            return f"{word} \\boxed{{5}}", {"finish_reason": "stop", "stop_reason": None}
        return f"{word} step", {"finish_reason": "stop", "stop_reason": "\n\n"}
    return reply


def test_keep_best_keeps_exactly_the_width_in_score_order() -> None:
    beams = [Beam(text=str(i), score=s) for i, s in enumerate([0.1, 0.9, 0.5, 0.9])]
    kept = keep_best(beams, 2)
    assert [b.text for b in kept] == ["1", "3"]
    assert len(keep_best(beams, 10)) == 4


def test_beam_search_keeps_beam_width_and_budgets_add_up() -> None:
    settings = BeamSearchSettings(beam_width=2, expansions=3, max_steps=3)
    model = ScriptedModel(_step_model(finish_after=10))
    scorer = LengthScorer()
    ctx, budget = make_context(model, scorer=scorer, overrides={"inference": {"tokens_to_generate": 1000}})
    outcome = asyncio.run(beam_search(ctx, settings))
    steps = outcome.trajectory["steps"]
    assert len(steps) == 3
    assert [len(s["candidates"]) for s in steps] == [3, 6, 6]  # 1 beam x 3, then 2 beams x 3 each step
    assert all(len(s["kept"]) == 2 for s in steps)
    # requests: 3 + 6 + 6 expansions; every one continued the partial solution at the delimiter
    assert budget.requests == len(model.calls) == 15
    assert all(params.stop_phrases[-1] == "\n\n" for _, params, _ in model.calls)
    assert budget.input_tokens == 150 and budget.generated_tokens == 30
    assert outcome.generation.count("good") == 3  # the best path picked the good step each time
    assert all(extra == {"continue_final_message": True, "add_generation_prompt": False}
               for prompt, _, extra in model.calls if prompt.messages[-1]["role"] == "assistant")


def test_beam_search_stops_when_all_kept_beams_finish() -> None:
    settings = BeamSearchSettings(beam_width=2, expansions=2, max_steps=6)
    model = ScriptedModel(_step_model(finish_after=2))
    ctx, budget = make_context(model, scorer=LengthScorer(), overrides={"inference": {"tokens_to_generate": 1000}})
    outcome = asyncio.run(beam_search(ctx, settings))
    assert len(outcome.trajectory["steps"]) == 2
    assert outcome.generation.endswith("\\boxed{5}")
    assert budget.requests == 2 + 4

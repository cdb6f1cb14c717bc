"""self_refine and revision control flow with a scripted model."""

from __future__ import annotations

import asyncio

from nskit.config.scaling import RevisionSettings, SelfRefineSettings
from nskit.generation.scaling.refine import revision, self_refine
from tests.generation.scaling.scripted import ScriptedModel, last_user, make_context


def test_self_refine_stops_when_the_feedback_says_correct() -> None:
    settings = SelfRefineSettings(rounds=5)
    feedback = iter(["Step 2 is wrong.", "The answer is correct."])

    def reply(prompt, params, extra):
        question = last_user(prompt)
        if question == settings.feedback_prompt:
            return next(feedback)
        if question == settings.refine_prompt:
            return "fixed \\boxed{5}"
        return "first \\boxed{6}"

    model = ScriptedModel(reply)
    ctx, budget = make_context(model)
    outcome = asyncio.run(self_refine(ctx, settings))
    assert outcome.generation == "fixed \\boxed{5}"
    assert outcome.trajectory["stopped_early"] is True
    assert [r["correct"] for r in outcome.trajectory["rounds"]] == [False, True]
    # answer, feedback, refine, feedback: 4 requests, not 1 + 2 * 5
    assert budget.requests == len(model.calls) == 4
    assert budget.input_tokens == 40
    assert budget.generated_tokens == 2 + 4 + 2 + 4  # words of the four answers


def test_self_refine_runs_out_of_rounds() -> None:
    settings = SelfRefineSettings(rounds=2)
    model = ScriptedModel(lambda p, params, e: "still wrong" if last_user(p) == settings.feedback_prompt else "x \\boxed{1}")
    ctx, budget = make_context(model)
    outcome = asyncio.run(self_refine(ctx, settings))
    assert outcome.trajectory["stopped_early"] is False
    assert len(outcome.trajectory["rounds"]) == 2
    assert budget.requests == 1 + 2 * 2


def test_revision_shows_previous_attempts_and_reports_majority() -> None:
    answers = iter(["\\boxed{4}", "\\boxed{5}", "\\boxed{4}"])
    model = ScriptedModel(lambda p, params, e: next(answers))
    ctx, budget = make_context(model)
    outcome = asyncio.run(revision(ctx, RevisionSettings(rounds=3)))
    assert outcome.generation == "\\boxed{4}"  # the last attempt
    assert outcome.trajectory["majority_answer"] == "4" and outcome.trajectory["majority_votes"] == 2
    third = last_user(model.calls[2][0])
    assert "Attempt 1:\n\\boxed{4}" in third and "Attempt 2:\n\\boxed{5}" in third
    assert budget.requests == 3 and budget.generated_tokens == 3

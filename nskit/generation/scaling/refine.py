"""Strategies that improve one answer over rounds: `self_refine` (critique, refine) and `revision` (new attempts)."""

from __future__ import annotations

from nskit.config.scaling import RevisionSettings, SelfRefineSettings
from nskit.generation.scaling.context import Context, Outcome, follow_up, majority
from nskit.records import schema


async def self_refine(ctx: Context, settings: SelfRefineSettings) -> Outcome:
    """Answer; then up to `rounds` times: critique the answer, stop if it says it is correct, else refine it."""
    prompt = ctx.prompt()
    completion = await ctx.model.generate(prompt, ctx.params())
    answer, finish = completion.text, completion.finish_reason
    rounds = []
    stopped_early = False
    for round_index in range(settings.rounds):
        critique_prompt = follow_up(prompt, ("assistant", answer), ("user", settings.feedback_prompt))
        feedback = (await ctx.model.generate(
            critique_prompt, ctx.params(tokens_to_generate=settings.feedback_tokens, index=0)
        )).text
        if settings.correct_phrase.lower() in feedback.lower():
            rounds.append({"feedback": feedback, "correct": True})
            stopped_early = True
            break
        asked = settings.code_refine_prompt if ctx.code else settings.refine_prompt
        refine_prompt = follow_up(critique_prompt, ("assistant", feedback), ("user", asked))
        refined = await ctx.model.generate(refine_prompt, ctx.params(index=round_index + 1))
        rounds.append({"feedback": feedback, "correct": False, "refined": refined.text})
        answer, finish = refined.text, refined.finish_reason
    return Outcome(answer, {"initial": completion.text, "rounds": rounds, "stopped_early": stopped_early}, finish)


async def revision(ctx: Context, settings: RevisionSettings) -> Outcome:
    """`rounds` attempts, each after seeing the earlier ones; final = the last; the majority is reported too (code:
    over the attempts' outcome vectors on the visible tests)."""
    prompt = ctx.prompt()
    revise_prompt = settings.code_revise_prompt if ctx.code else settings.revise_prompt
    attempts: list[str] = []
    finish = None
    for round_index in range(settings.rounds):
        if attempts:
            shown = "\n".join(f"Attempt {i + 1}:\n{text}\n" for i, text in enumerate(attempts))
            request = follow_up(prompt, ("user", revise_prompt.format(attempts=shown)))
        else:
            request = prompt
        completion = await ctx.model.generate(request, ctx.params(index=round_index))
        attempts.append(completion.text)
        finish = completion.finish_reason
    answers = await ctx.vote_keys(attempts, settings.extraction)
    winner, votes = majority(answers)
    trajectory = {"rounds": [{schema.GENERATION: t, ctx.answer_field: a} for t, a in zip(attempts, answers)],
                  "majority_answer": winner, "majority_votes": votes}
    return Outcome(attempts[-1], trajectory, finish)

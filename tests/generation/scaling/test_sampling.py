"""best_of_n, self_consistency and the scorers with a scripted model."""

from __future__ import annotations

import asyncio
import math

from nskit.config.scaling import BestOfNSettings, SelfConsistencySettings
from nskit.generation.scaling.sampling import best_of_n, self_consistency
from nskit.generation.scaling.scorers import Candidate, Confidence, SelfVerify, p_yes
from tests.generation.scaling.scripted import ScriptedModel, last_user, make_context


def _by_seed(texts: list[str], logprob: list[float] | None = None):
    def reply(prompt, params, extra):
        i = params.random_seed % len(texts)
        fields = {}
        if params.top_logprobs is not None and logprob is not None:
            fields["logprobs"] = [{"token": "t", "logprob": logprob[i], "top_logprobs": {}}] * 2
        return texts[i], fields
    return reply


def test_best_of_n_keeps_the_most_confident_and_writes_every_candidate() -> None:
    model = ScriptedModel(_by_seed(["a \\boxed{1}", "b \\boxed{2}", "c \\boxed{3}"], [-2.0, -0.1, -1.0]))
    ctx, budget = make_context(model, scorer=Confidence())
    outcome = asyncio.run(best_of_n(ctx, BestOfNSettings(n=3, scorer="confidence")))
    assert outcome.generation == "b \\boxed{2}"
    assert [c["score"] for c in outcome.trajectory["candidates"]] == [-2.0, -0.1, -1.0]
    assert [c["predicted_answer"] for c in outcome.trajectory["candidates"]] == ["1", "2", "3"]
    assert all(params.temperature == 0.7 and params.top_logprobs == 0 for _, params, _ in model.calls)
    assert len({params.random_seed for _, params, _ in model.calls}) == 3
    assert budget.requests == 3 and budget.input_tokens == 30 and budget.generated_tokens == 6


def test_self_verify_scores_by_p_yes_and_counts_its_requests() -> None:
    verdicts = {"a \\boxed{1}": {"Yes": math.log(0.2), "No": math.log(0.8)},
                "b \\boxed{2}": {" yes": math.log(0.6), "No": math.log(0.2)}}

    def reply(prompt, params, extra):
        if last_user(prompt).startswith("Is the solution above correct"):
            shown = prompt.messages[-2]["content"]
            assert params.tokens_to_generate == 1 and params.top_logprobs == 20
            return "Yes", {"logprobs": [{"token": "Yes", "logprob": 0.0, "top_logprobs": verdicts[shown]}]}
        return _by_seed(list(verdicts))(prompt, params, extra)

    model = ScriptedModel(reply)
    ctx, budget = make_context(model, scorer=SelfVerify())
    outcome = asyncio.run(best_of_n(ctx, BestOfNSettings(n=2, scorer="self_verify")))
    assert outcome.generation == "b \\boxed{2}"
    scores = [c["score"] for c in outcome.trajectory["candidates"]]
    assert math.isclose(scores[0], 0.2) and math.isclose(scores[1], 0.75)
    assert budget.requests == 4  # 2 samples + 2 verifications


def test_p_yes_without_no_is_the_yes_mass() -> None:
    assert math.isclose(p_yes({"Yes": math.log(0.3), "Maybe": math.log(0.7)}), 0.3)
    assert p_yes({"Maybe": 0.0}) == 0.0


def test_confidence_of_an_empty_candidate_is_lowest() -> None:
    scores = asyncio.run(Confidence().score(None, [Candidate("x", None), Candidate("y", [{"logprob": -5.0}])]))
    assert scores == [-math.inf, -5.0]


def test_self_consistency_takes_the_majority() -> None:
    model = ScriptedModel(_by_seed(["a \\boxed{7}", "b \\boxed{9}", "c \\boxed{9.0}", "d"]))
    ctx, budget = make_context(model)
    outcome = asyncio.run(self_consistency(ctx, SelfConsistencySettings(n=4)))
    assert outcome.generation == "b \\boxed{9}"
    assert outcome.trajectory["majority_answer"] == "9" and outcome.trajectory["majority_votes"] == 2
    assert budget.requests == 4

"""Scorers: how good a candidate (a full or partial solution) looks, higher is better. One entry per name.

- `confidence`: mean token log-probability of the candidate (its logprobs are asked for when it is generated).
- `self_verify`: the policy model is asked whether the solution is correct; P(Yes) from the top logprobs of its
  one-token answer, normalized against P(No).
- `reward_model`: a classifier behind vLLM's pooling API (`POST /classify`, e.g. a causal LM served with
  `--convert classify` and `classifier_from_token: ["No", "Yes"]`): P(Yes) of problem + solution.
- `tests` (code problems): the fraction of the problem's visible tests the candidate's program passes in the
  execution judge (`code.py` says which tests are visible).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from nskit.errors import UserError
from nskit.generation.errors import MalformedResponse, RequestFailed
from nskit.generation.scaling.code import pass_fraction
from nskit.generation.scaling.context import Context, follow_up, mean_logprob
from nskit.records import schema

VERIFY_QUESTION = "Is the solution above correct? Answer with Yes or No only."
REWARD_TEMPLATE = "Problem: {problem}\nSolution: {solution}\nIs the solution correct?"
CLASSIFY_TIMEOUT = 300.0


@dataclass
class Candidate:
    """A solution (or partial solution) to score, with its token logprobs when they were asked for."""

    text: str
    logprobs: list[dict[str, Any]] | None = None


class Scorer:
    """Base: `needs_logprobs` says whether candidates must be generated with logprobs."""

    name = ""
    field = "score"
    needs_logprobs = False

    async def score(self, ctx: Context, candidates: list[Candidate]) -> list[float]:
        """One score per candidate."""
        raise NotImplementedError

    async def aclose(self) -> None:
        """Release what the scorer holds."""


class Confidence(Scorer):
    """Mean token log-probability."""

    name = "confidence"
    needs_logprobs = True

    async def score(self, ctx: Context, candidates: list[Candidate]) -> list[float]:
        """Mean logprob of each candidate; a candidate without tokens scores -inf."""
        scores = []
        for candidate in candidates:
            value = mean_logprob(candidate.logprobs)
            scores.append(value if value is not None else -math.inf)
        return scores


def p_yes(top_logprobs: dict[str, float]) -> float:
    """P(Yes) / (P(Yes) + P(No)) over the alternatives of one step; the raw P(Yes) mass when No is absent."""
    yes = sum(math.exp(lp) for token, lp in top_logprobs.items() if token.strip().lower() == "yes")
    no = sum(math.exp(lp) for token, lp in top_logprobs.items() if token.strip().lower() == "no")
    return yes / (yes + no) if no > 0 else yes


class SelfVerify(Scorer):
    """The policy model judges each candidate; one request per candidate."""

    name = "self_verify"

    async def score(self, ctx: Context, candidates: list[Candidate]) -> list[float]:
        """P(Yes) of each candidate."""
        params = ctx.params(temperature=0.0, tokens_to_generate=1, top_logprobs=20, stop_phrases=[])
        scores = []
        for candidate in candidates:
            prompt = follow_up(ctx.prompt(), ("assistant", candidate.text), ("user", VERIFY_QUESTION))
            completion = await ctx.model.generate(prompt, params)
            if not completion.logprobs:
                raise RequestFailed("no_logprobs", "self_verify needs logprobs and the server sent none", 1,
                                    transient=False)
            scores.append(p_yes(completion.logprobs[0]["top_logprobs"]))
        return scores


class RewardModel(Scorer):
    """P(Yes) from a reward/classifier server's `/classify` endpoint (vLLM pooling API)."""

    name = "reward_model"
    field = schema.REWARD_MODEL_SCORE

    def __init__(self, address: str, model: str | None) -> None:
        import httpx

        self.root = address.rstrip("/").removesuffix("/v1")
        self.model = model
        self.http = httpx.AsyncClient(timeout=CLASSIFY_TIMEOUT)

    async def _model(self) -> str:
        if self.model is None:
            listing = await self._call("GET", "/v1/models", None)
            self.model = listing["data"][0]["id"]
        return self.model

    async def _call(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        import httpx

        try:
            response = await self.http.request(method, self.root + path, json=body)
        except httpx.HTTPError as exc:
            raise RequestFailed("connection", f"reward model at {self.root}: {exc}", 1, transient=True) from exc
        if response.status_code != 200:
            raise RequestFailed(f"http_{response.status_code}", f"reward model {path}: {response.text[:300]}", 1,
                                transient=response.status_code >= 500)
        return response.json()

    async def score(self, ctx: Context, candidates: list[Candidate]) -> list[float]:
        """P(Yes) per candidate, in one `/classify` request."""
        texts = [REWARD_TEMPLATE.format(problem=ctx.problem(), solution=c.text) for c in candidates]
        body = await self._call("POST", "/classify", {"model": await self._model(), "input": texts})
        data = body.get("data")
        if not isinstance(data, list) or len(data) != len(texts):
            raise MalformedResponse(f"reward model /classify answered {str(body)[:200]}")
        return [float(item["probs"][-1]) for item in data]

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self.http.aclose()


class VisibleTests(Scorer):
    """Share of the visible tests passed; the outcome vectors stay on the context for votes and the trajectory."""

    name = "tests"

    async def score(self, ctx: Context, candidates: list[Candidate]) -> list[float]:
        """Fraction of visible tests passed by each candidate's program (0 without code)."""
        return [pass_fraction(vector) for vector in await ctx.vote_keys([c.text for c in candidates])]


def make_scorer(name: str, reward_address: str | None, reward_model: str | None) -> Scorer:
    """The scorer named `name`; the reward model one needs `++reward_server_address`."""
    if name == RewardModel.name:
        if not reward_address:
            raise UserError("scorer reward_model needs a reward server: pass --reward_model to ns eval, or "
                            "++reward_server_address=URL of a vLLM server started with --convert classify")
        return RewardModel(reward_address, reward_model)
    return SCORERS[name]()


SCORERS: dict[str, type[Scorer]] = {cls.name: cls for cls in (Confidence, SelfVerify, RewardModel, VisibleTests)}
"""Scorer name -> class."""

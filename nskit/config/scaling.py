"""Settings of the test-time scaling strategies: `++strategy=NAME` and `++NAME.key=value` (docs/strategies.md).

One pydantic model per strategy; `SCALING_SETTINGS` names them, so `GenerationConfig` gets one field per strategy
and a misspelt key (`++best_of_n.nn=4`) is refused with the list of valid keys like any other setting.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


SCORERS = ("confidence", "self_verify", "reward_model", "tests")
"""Scorer names (nskit/generation/scaling/scorers.py has one entry per name)."""

Scorer = Literal["confidence", "self_verify", "reward_model", "tests"]


class Sampled(_Settings):
    """Shared by strategies that draw several samples."""

    temperature: float = Field(0.7, ge=0.0, description="sampling temperature of the candidates")
    extraction: str = Field("boxed", description="answer extraction used for majority votes")


class BestOfNSettings(Sampled):
    """`best_of_n`: sample n, score each, keep the best."""

    n: int = Field(4, ge=1)
    scorer: Scorer = "confidence"


class SelfConsistencySettings(Sampled):
    """`self_consistency`: sample n, final = a sample holding the majority answer."""

    n: int = Field(4, ge=1)


class SelfRefineSettings(_Settings):
    """`self_refine`: answer -> critique -> refine, until the critique says the answer is correct."""

    rounds: int = Field(2, ge=1, description="critique + refine rounds at most")
    feedback_prompt: str = Field(
        "Review the solution above step by step. If it is correct, say exactly \"The answer is correct.\" "
        "Otherwise explain the mistake.",
        description="asked after the answer",
    )
    refine_prompt: str = Field(
        "Using the feedback, write an improved solution. Put the final answer in \\boxed{}.",
        description="asked after the feedback",
    )
    code_refine_prompt: str = Field(
        "Using the feedback, write an improved solution: the complete program in one ```python code block.",
        description="asked after the feedback on a code problem",
    )
    correct_phrase: str = Field("answer is correct", description="feedback containing this stops the rounds")
    feedback_tokens: int = Field(256, gt=0)


class RevisionSettings(_Settings):
    """`revision`: each round sees the previous attempts and writes a new one."""

    rounds: int = Field(3, ge=1, description="attempts in total (the first is the plain answer)")
    revise_prompt: str = Field(
        "Here are previous attempts at this problem:\n{attempts}\nWrite a new, careful solution. "
        "Put the final answer in \\boxed{{}}.",
        description="'{attempts}' is replaced by the earlier attempts",
    )
    code_revise_prompt: str = Field(
        "Here are previous attempts at this problem:\n{attempts}\nWrite a new, careful solution: the complete "
        "program in one ```python code block.",
        description="revise_prompt for a code problem",
    )
    extraction: str = Field("boxed", description="answer extraction for the majority over rounds")


class BeamSearchSettings(_Settings):
    """`beam_search`: step-level search, each step one generation stopped at `delimiter`."""

    beam_width: int = Field(2, ge=1)
    expansions: int = Field(2, ge=1, description="continuations sampled per beam and step")
    max_steps: int = Field(4, ge=1)
    delimiter: str = Field("\n\n", min_length=1, description="ends one reasoning step")
    step_tokens: int = Field(128, gt=0, description="tokens per step at most")
    scorer: Scorer = "confidence"
    temperature: float = Field(0.7, ge=0.0)

    @field_validator("scorer")
    @classmethod
    def _runnable(cls, scorer: str) -> str:
        if scorer == "tests":
            raise ValueError("beam_search scores partial solutions, and a partial program cannot run the visible "
                             "tests: use confidence, self_verify or reward_model")
        return scorer


Method = Literal["cot", "pal", "plan2code"]


class ModelSelectionSettings(_Settings):
    """`model_selection`: each method answers; majority across methods, the model picks on disagreement."""

    methods: list[Method] = Field(default_factory=lambda: ["cot", "pal", "plan2code"], min_length=1)
    n: int = Field(1, ge=1, description="answers per method")
    temperature: float = Field(0.7, ge=0.0, description="used when n > 1")
    extraction: str = "boxed"
    code_timeout: float = Field(10.0, gt=0)


class Plan2CodeSettings(_Settings):
    """`plan2code`: question -> plan -> code (run in the sandbox); n>1 with `plans` 1 or n."""

    n: int = Field(1, ge=1, description="codes written")
    plans: Literal["one", "each"] = Field("one", description="one plan for all codes, or one plan per code")
    temperature: float = Field(0.7, ge=0.0, description="used when n > 1")
    code_timeout: float = Field(10.0, gt=0)


SCALING_SETTINGS: dict[str, type[BaseModel]] = {
    "best_of_n": BestOfNSettings,
    "self_consistency": SelfConsistencySettings,
    "self_refine": SelfRefineSettings,
    "revision": RevisionSettings,
    "beam_search": BeamSearchSettings,
    "model_selection": ModelSelectionSettings,
    "plan2code": Plan2CodeSettings,
}
"""Strategy name -> its settings model (the `++NAME.key` namespace)."""

PROGRAM_STRATEGIES = frozenset({"model_selection", "plan2code"})
"""Strategies that run code in the sandbox (ns eval starts one for them)."""

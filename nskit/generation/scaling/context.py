"""What every scaling strategy works with: a client that counts the compute it spends, and prompt helpers.

Strategies reach the model only through `Budgeted.generate`, which calls the transport's public
`generate(prompt, params, extra_body)` and adds each answer's tokens to the problem's budget.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from nskit.config.generation import GenerationConfig, InferenceConfig
from nskit.generation.client import Completion
from nskit.generation.code_execution import CONTINUE_CHAT
from nskit.generation.jobs import GenerationJob
from nskit.generation.scaling.code import is_code_problem, outcome_vector
from nskit.grading.extraction import extract_answer
from nskit.prompt.render import Prompt, build_prompt
from nskit.records import schema


class Generator(Protocol):
    """The one call strategies need from a transport."""

    async def generate(
        self, prompt: Prompt, params: InferenceConfig, extra_body: dict[str, Any] | None = None
    ) -> Completion:
        """One completion of `prompt` with `params` (extra request fields in `extra_body`)."""
        ...


@dataclass
class Budgeted:
    """A client wrapper that adds up requests and tokens for one problem."""

    client: Generator
    requests: int = 0
    generated_tokens: int = 0
    input_tokens: int = 0

    async def generate(
        self, prompt: Prompt, params: InferenceConfig, extra_body: dict[str, Any] | None = None
    ) -> Completion:
        """Send one request and count it."""
        completion = await self.client.generate(prompt, params, extra_body)
        self.requests += 1
        self.generated_tokens += completion.completion_tokens or 0
        self.input_tokens += completion.prompt_tokens or 0
        return completion

    def spent(self) -> dict[str, int]:
        """The budget fields of the record."""
        return {schema.NUM_REQUESTS: self.requests, schema.NUM_GENERATED_TOKENS: self.generated_tokens,
                schema.NUM_INPUT_TOKENS: self.input_tokens}


@dataclass
class Context:
    """One problem's run of a strategy."""

    model: Budgeted
    job: GenerationJob
    settings: GenerationConfig
    record: dict[str, Any]
    services: Any = None
    """What the strategy opened once for the run (scorer, sandbox): a `registry.Services`."""
    outcomes: dict[str, str | None] = field(default_factory=dict)
    """Code problems: each candidate text's outcome vector on the visible tests, run once per text."""

    @property
    def code(self) -> bool:
        """Whether this is a code problem (votes and the `tests` scorer use its visible tests)."""
        return is_code_problem(self.record)

    @property
    def answer_field(self) -> str:
        """The trajectory field of a candidate's vote key: its answer, or for code its visible-test outcomes."""
        return "visible_tests" if self.code else schema.PREDICTED_ANSWER

    async def visible_outcomes(self, text: str) -> str | None:
        """`P`/`F` per visible test of the program in `text` (None: no code), run in the sandbox once per text."""
        if text not in self.outcomes:
            self.outcomes[text] = await outcome_vector(self.services.sandbox(), self.record, text)
        return self.outcomes[text]

    async def vote_key(self, text: str, extraction: str = "boxed") -> str | None:
        """What majority votes compare: the extracted answer, or for code the outcome vector on the visible tests
        (programs that behave alike there vote together)."""
        return await self.visible_outcomes(text) if self.code else answer_of(text, extraction)

    async def vote_keys(self, texts: list[str], extraction: str = "boxed") -> list[str | None]:
        """`vote_key` of each text (code: their tests run concurrently)."""
        return list(await asyncio.gather(*(self.vote_key(text, extraction) for text in texts)))

    def prompt(self) -> Prompt:
        """The benchmark's prompt for this problem."""
        return build_prompt(self.record, self.job.prompt_config, self.job.template, self.job.system_message)

    def params(self, *, temperature: float | None = None, index: int = 0, **updates: Any) -> InferenceConfig:
        """The job's sampling parameters, with candidate `index`'s own seed and the given overrides."""
        changes: dict[str, Any] = {"random_seed": self.job.inference.random_seed * 10_007 + index, **updates}
        if temperature is not None:
            changes["temperature"] = temperature
        return self.job.inference.model_copy(update=changes)

    def problem(self) -> str:
        """The problem statement (for prompts of the strategy's own); MBPP's with the tests its prompt shows, which
        name the function."""
        text = str(self.record.get(schema.PROBLEM) or self.record.get("question") or "")
        shown = self.record.get("tests_shown")
        return f"{text}\nYour code should pass these tests:\n{shown}" if isinstance(shown, str) and shown else text


@dataclass
class Outcome:
    """What a strategy returns: the final answer text and its trajectory."""

    generation: str
    trajectory: dict[str, Any] = field(default_factory=dict)
    finish_reason: str | None = None


def follow_up(prompt: Prompt, *turns: tuple[str, str]) -> Prompt:
    """`prompt` continued by (role, text) turns: chat messages, or appended text in raw-completion mode."""
    messages = [*prompt.messages, *({"role": role, "content": text} for role, text in turns)]
    if prompt.text is None:
        return Prompt(messages=messages)
    text = prompt.text + "".join(f"{body}\n\n" if role == "assistant" else f"{body}\n" for role, body in turns)
    return Prompt(messages=messages, text=text, stop_phrases=prompt.stop_phrases)


def continued(prompt: Prompt, partial: str) -> tuple[Prompt, dict[str, Any]]:
    """`prompt` with an assistant answer begun with `partial`, and the request fields that continue it."""
    if prompt.text is not None:
        return Prompt(messages=prompt.messages, text=prompt.text + partial, stop_phrases=prompt.stop_phrases), {}
    if not partial:
        return prompt, {}
    return Prompt(messages=[*prompt.messages, {"role": "assistant", "content": partial}]), dict(CONTINUE_CHAT)


def answer_of(text: str | None, extraction: str = "boxed") -> str | None:
    """The extracted final answer, normalized so that `18`, `18.0` and ` 18 ` vote together."""
    found = extract_answer(text, extraction)
    if found is None:
        return None
    found = found.strip().replace(",", "") if _numeric(found.replace(",", "")) else found.strip()
    if _numeric(found):
        number = float(found)
        return str(int(number)) if number.is_integer() else str(number)
    return found


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def majority(answers: list[str | None]) -> tuple[str | None, int]:
    """The most common non-empty answer (first seen wins ties) and its count; (None, 0) when there is none."""
    counts = Counter(a for a in answers if a is not None)
    if not counts:
        return None, 0
    top = max(counts.values())
    winner = next(a for a in answers if a is not None and counts[a] == top)
    return winner, top


def mean_logprob(logprobs: list[dict[str, Any]] | None) -> float | None:
    """Mean token log-probability of a completion (None without logprobs or tokens)."""
    if not logprobs:
        return None
    return sum(step["logprob"] for step in logprobs) / len(logprobs)

"""A scripted model for the strategies' control flow: answers come from a function of the prompt and parameters."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from nskit.config.generation import GenerationConfig, InferenceConfig
from nskit.generation.client import Completion
from nskit.generation.jobs import GenerationJob
from nskit.prompt.render import Prompt, load_prompt_config
from nskit.generation.scaling.context import Budgeted, Context
from nskit.generation.scaling.registry import Services


def last_user(prompt: Prompt) -> str:
    """The text of the last user message."""
    return next(m["content"] for m in reversed(prompt.messages) if m["role"] == "user")


class ScriptedModel:
    """Answers `reply(prompt, params, extra_body)` -> text (or (text, extra Completion fields)); logs every call.

    Each answer costs 10 input tokens and as many generated tokens as it has words."""

    def __init__(self, reply: Callable[[Prompt, InferenceConfig, dict[str, Any] | None], Any]) -> None:
        self.reply = reply
        self.calls: list[tuple[Prompt, InferenceConfig, dict[str, Any] | None]] = []

    async def generate(self, prompt: Prompt, params: InferenceConfig,
                       extra_body: dict[str, Any] | None = None) -> Completion:
        self.calls.append((prompt, params, extra_body))
        answer = self.reply(prompt, params, extra_body)
        text, extra = (answer if isinstance(answer, tuple) else (answer, {}))
        fields: dict[str, Any] = {"finish_reason": "stop", "prompt_tokens": 10,
                                  "completion_tokens": max(1, len(text.split())), **extra}
        return Completion(text=text, **fields)


def make_context(model: ScriptedModel, overrides: dict[str, Any] | None = None, scorer: Any = None,
                 sandbox: Any = None, record: dict[str, Any] | None = None) -> tuple[Context, Budgeted]:
    """A Context for one gsm8k-like problem with `++` overrides applied."""
    settings = GenerationConfig.model_validate(overrides or {})
    job = GenerationJob(input_file=Path("in.jsonl"), output_file=Path("out.jsonl"),
                        prompt_config=load_prompt_config("generic/math"), inference=settings.inference)
    budget = Budgeted(model)
    ctx = Context(budget, job, settings, record or {"problem": "What is 2+3?", "expected_answer": "5"},
                  Services(scorer=scorer, sandbox_client=sandbox))
    return ctx, budget

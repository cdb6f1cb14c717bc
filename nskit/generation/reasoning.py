"""Reasoning models: the thinking is split from the answer, kept in `reasoning_content`, and only the answer is
graded (it is what `generation` holds).

Where the split comes from:
- the server, when it returns `reasoning_content` (vLLM with `--reasoning-parser`, o-series APIs): always used
  unless `++parse_reasoning=false`;
- the text, with `++parse_reasoning=true`: everything up to the last `end_reasoning_string` (default `</think>`)
  is the thinking (a leading `start_reasoning_string` is dropped), the rest, stripped, is the answer.
A generation that never closes its thinking (cut at the token limit inside it) has no answer: `generation` is
empty, so the grader finds no answer in it. `finished_thinking` says which case a record is.

Token counts: `num_reasoning_tokens` and `num_answer_tokens` (their sum is `num_generated_tokens`), from the
server's usage details when it reports reasoning tokens (a reported 0 beside a non-empty thinking is not trusted),
else by counting the answer with the server's tokenizer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nskit.config.generation import GenerationConfig
from nskit.records import schema


@dataclass(frozen=True)
class ReasoningSettings:
    """How to split one job's generations."""

    parse: bool | None = None
    """True: split the text; None: only take the server's split; False: never split."""
    start: str = "<think>"
    end: str = "</think>"

    @classmethod
    def from_config(cls, config: GenerationConfig) -> ReasoningSettings:
        """The reasoning settings of validated generation settings."""
        return cls(config.parse_reasoning, config.start_reasoning_string, config.end_reasoning_string)


@dataclass(frozen=True)
class Split:
    """A generation split into its thinking and its answer."""

    answer: str
    reasoning: str
    finished: bool


def split_text(text: str, settings: ReasoningSettings) -> Split:
    """Split a generation at the last end tag; no end tag means the thinking was cut: no answer."""
    head, found, tail = text.rpartition(settings.end)
    if not found:
        return Split(answer="", reasoning=_without_start(text, settings), finished=False)
    return Split(answer=tail.strip(), reasoning=_without_start(head, settings), finished=True)


def _without_start(text: str, settings: ReasoningSettings) -> str:
    stripped = text.lstrip()
    return stripped[len(settings.start):] if stripped.startswith(settings.start) else text


def split_completion(
    text: str, server_reasoning: str | None, finish_reason: str | None, settings: ReasoningSettings
) -> Split | None:
    """The split of one completion, or None when nothing is to be split (not a reasoning run)."""
    if settings.parse is False:
        return None
    if server_reasoning is not None:
        # The server split it; an empty answer after a cut ("length") means the limit fell inside the thinking.
        finished = bool(text.strip()) or finish_reason != "length"
        return Split(answer=text.strip() if finished else "", reasoning=server_reasoning, finished=finished)
    if settings.parse:
        return split_text(text, settings)
    return None


async def reasoning_fields(
    split: Split,
    completion_tokens: int | None,
    reported_reasoning_tokens: int | None,
    count_tokens: Callable[[str], Awaitable[int]],
) -> dict[str, Any]:
    """The record fields of a split: generation (the answer), reasoning_content, finished_thinking, token counts."""
    fields: dict[str, Any] = {
        schema.GENERATION: split.answer,
        schema.REASONING_CONTENT: split.reasoning,
        schema.FINISHED_THINKING: split.finished,
    }
    if completion_tokens is None:
        return fields
    if reported_reasoning_tokens is not None and (reported_reasoning_tokens > 0 or not split.reasoning):
        reasoning = reported_reasoning_tokens  # vLLM 0.32 reports 0 even when its parser split thinking off
    else:
        reasoning = completion_tokens - (await count_tokens(split.answer) if split.answer else 0)
    fields[schema.NUM_REASONING_TOKENS] = max(reasoning, 0)
    fields[schema.NUM_ANSWER_TOKENS] = completion_tokens - fields[schema.NUM_REASONING_TOKENS]
    return fields

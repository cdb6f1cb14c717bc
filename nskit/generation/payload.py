"""The OpenAI wire format as plain dicts: request bodies from a prompt and sampling settings, completions back.

One home for both directions, shared by the online transport and the batch files (`batch.py`), so a record is
asked the same way whichever path sends it. The fields beyond the OpenAI parameters (vLLM's `top_k`, decoding
knobs in `vllm_xargs`, `chat_template_kwargs`, `extra_body`, a strategy's own such as `continue_final_message`)
come from `request.request_extras` and are merged at the top level of the body, as the SDK's `extra_body` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nskit.config.generation import InferenceConfig
from nskit.generation.decoding import logprobs_wanted
from nskit.generation.errors import MalformedResponse
from nskit.generation.request import request_extras
from nskit.prompt.render import Prompt

CHAT_PATH = "/chat/completions"
COMPLETIONS_PATH = "/completions"


@dataclass
class Completion:
    """One finished request."""

    text: str
    finish_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    retries: int = 0
    logprobs: list[dict[str, Any]] | None = None
    stop_reason: str | int | None = None
    """What stopped it, when the server says (vLLM: the matched stop string or stop token id; None at EOS)."""
    reasoning_content: str | None = None
    """The thinking, when the server splits it off (vLLM's --reasoning-parser, o-series): `text` is the answer."""
    reasoning_tokens: int | None = None
    """usage.completion_tokens_details.reasoning_tokens, when the server reports it."""
    prompt_logprobs: list[dict[str, Any] | None] | None = None
    """vLLM's per-prompt-token logprobs (`prompt_logprobs` in the request's extra body): {token id: logprob, rank}."""


def build_request(
    model: str, prompt: Prompt, params: InferenceConfig, extra: Mapping[str, Any] | None = None
) -> tuple[str, dict[str, Any]]:
    """`(path below /v1, body)` for one prompt: chat messages, or a raw completion when `prompt.text` is set."""
    body: dict[str, Any] = {
        "model": model,
        "temperature": params.temperature,
        "top_p": params.top_p,
        "max_tokens": params.tokens_to_generate,
        "seed": params.random_seed,
    }
    stop = list(dict.fromkeys([*params.stop_phrases, *prompt.stop_phrases]))
    if stop:
        body["stop"] = stop
    top_logprobs = logprobs_wanted(params)
    if prompt.text is not None:
        path = COMPLETIONS_PATH
        body["prompt"] = prompt.text
        if top_logprobs is not None:
            body["logprobs"] = top_logprobs
    else:
        path = CHAT_PATH
        body["messages"] = prompt.messages
        if top_logprobs is not None:
            body["logprobs"] = True
            body["top_logprobs"] = top_logprobs
    body.update(request_extras(params, dict(extra) if extra else None))
    return path, body


def read_completion(path: str, answer: Mapping[str, Any], with_logprobs: bool = False) -> Completion:
    """The completion in an answer to a request sent to `path`; `MalformedResponse` when the answer is not one
    (checked field by field, so that a bug here raises as itself instead of passing for the server's fault)."""
    choices = answer.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise MalformedResponse(f"the server's answer has no choices: {str(answer)[:200]}")
    choice = choices[0]
    reasoning = None
    if path == COMPLETIONS_PATH:
        text = choice.get("text")
    else:
        message = choice.get("message")
        if not isinstance(message, dict):
            raise MalformedResponse(f"the server's choice has no message: {str(choice)[:200]}")
        text = message.get("content") or ""
        reasoning = message.get("reasoning_content") or message.get("reasoning")
    if not isinstance(text, str):
        raise MalformedResponse(f"the server's completion text is {type(text).__name__}, not a string")
    usage = answer.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    details = usage.get("completion_tokens_details")
    logprobs = None
    if with_logprobs:
        reader = _completion_logprobs if path == COMPLETIONS_PATH else _chat_logprobs
        logprobs = reader(choice.get("logprobs"))
    return Completion(
        text=text,
        finish_reason=choice.get("finish_reason"),
        prompt_tokens=usage.get("prompt_tokens"),
        completion_tokens=usage.get("completion_tokens"),
        logprobs=logprobs,
        stop_reason=choice.get("stop_reason"),
        reasoning_content=reasoning,
        reasoning_tokens=details.get("reasoning_tokens") if isinstance(details, dict) else None,
        prompt_logprobs=choice.get("prompt_logprobs") or answer.get("prompt_logprobs"),
    )


def _chat_logprobs(logprobs: Mapping[str, Any] | None) -> list[dict[str, Any]] | None:
    if not logprobs or logprobs.get("content") is None:
        return None
    return [
        {"token": t["token"], "logprob": t["logprob"],
         "top_logprobs": {a["token"]: a["logprob"] for a in t.get("top_logprobs") or []}}
        for t in logprobs["content"]
    ]


def _completion_logprobs(logprobs: Mapping[str, Any] | None) -> list[dict[str, Any]] | None:
    if not logprobs or logprobs.get("tokens") is None:
        return None
    tokens = logprobs["tokens"]
    tops = logprobs.get("top_logprobs") or [None] * len(tokens)
    return [
        {"token": tok, "logprob": lp, "top_logprobs": dict(top or {})}
        for tok, lp, top in zip(tokens, logprobs["token_logprobs"], tops)
    ]

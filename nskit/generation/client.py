"""The async OpenAI-compatible client: timeouts, retries with backoff and jitter, Retry-After, an error budget."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from nskit.config.generation import InferenceConfig
from nskit.errors import UserError
from nskit.generation.decoding import logprobs_wanted
from nskit.generation.errors import MalformedResponse, RequestFailed, ServerDown, status_kind
from nskit.generation.request import request_extras
from nskit.prompt.render import Prompt

log = logging.getLogger(__name__)

T = TypeVar("T")

__all__ = ["ClientStats", "Completion", "MalformedResponse", "ModelClient", "RequestFailed", "RetryPolicy",
           "ServerDown", "classify"]


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


@dataclass
class ClientStats:
    """Counters reported at the end of a run."""

    requests: int = 0
    retries: int = 0
    failures: int = 0
    retry_reasons: Counter = field(default_factory=Counter)


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter, capped; Retry-After from the server wins when it is given."""

    max_retries: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        return random.uniform(0.5, 1.0) * min(self.max_delay, self.base_delay * 2 ** (attempt - 1))


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None  # an HTTP date: rare for model servers; fall back to our own backoff


def classify(exc: Exception) -> tuple[str, bool] | None:
    """(kind, retryable) of a transport, HTTP or malformed-response failure; None for anything else (a bug)."""
    import openai

    if isinstance(exc, MalformedResponse):
        return exc.kind, True
    if isinstance(exc, openai.APITimeoutError):
        return "timeout", True
    if isinstance(exc, openai.APIConnectionError):
        return "connection", True
    if isinstance(exc, openai.APIStatusError):
        return status_kind(exc.status_code)
    if isinstance(exc, openai.APIResponseValidationError):
        return MalformedResponse.kind, True
    return None


async def transport(call: Awaitable[T]) -> T:
    """Await one SDK call; a body that is not valid JSON becomes MalformedResponse (the SDK raises a bare
    JSONDecodeError for it), everything else passes unchanged."""
    try:
        return await call
    except json.JSONDecodeError as exc:
        raise MalformedResponse(f"the server's answer is not valid JSON: {exc}") from exc


class ModelClient:
    """Sends prompts to one OpenAI-compatible server."""

    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        api_key: str | None = None,
        timeout: float = 1800.0,
        retry: RetryPolicy | None = None,
        error_budget: int = 20,
        max_connections: int = 1024,
    ) -> None:
        import httpx
        import openai

        self.base_url = base_url
        self.model = model
        self.retry = retry or RetryPolicy()
        self.error_budget = error_budget
        self.stats = ClientStats()
        self._consecutive_failures = 0
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        self._client = openai.AsyncOpenAI(
            base_url=base_url,
            api_key=api_key or "EMPTY",
            timeout=timeout,
            max_retries=0,  # retries are ours: they are counted, jittered and budgeted
            http_client=openai.DefaultAsyncHttpxClient(limits=limits, timeout=timeout),
        )

    async def resolve_model(self) -> str:
        """The model name to send: the one given, else the first the server lists."""
        if self.model is None:
            try:
                models, _ = await self._with_retries(lambda: transport(self._client.models.list()))
            except RequestFailed as exc:
                if exc.transient:
                    raise ServerDown(f"cannot reach the server at {self.base_url} to list its models: {exc}") from exc
                raise UserError(f"server {self.base_url} refused to list its models: {exc}") from exc
            if not models.data:
                raise RuntimeError(f"server {self.base_url} lists no models")
            self.model = models.data[0].id
        return self.model

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self._client.close()

    async def generate(
        self, prompt: Prompt, params: InferenceConfig, extra_body: dict[str, Any] | None = None
    ) -> Completion:
        """Send one prompt, retrying transient failures; raises RequestFailed or ServerDown.

        `extra_body` adds server-specific request fields (e.g. vLLM's `continue_final_message`).
        """
        model = await self.resolve_model()
        body = extra_body or {}
        try:
            completion, attempts = await self._with_retries(lambda: self._request(model, prompt, params, body))
        except RequestFailed as exc:
            self._note_failure(transient=exc.transient)
            raise
        self._consecutive_failures = 0
        completion.retries = attempts - 1
        return completion

    async def _with_retries(self, call: Callable[[], Awaitable[T]]) -> tuple[T, int]:
        """`(result, attempts)` of `call()`, retried on transient failures; raises RequestFailed when it gives up."""
        attempt = 0
        while True:
            attempt += 1
            self.stats.requests += 1
            try:
                return await call(), attempt
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - only what classify() knows is caught; the rest re-raised
                known = classify(exc)
                if known is None:
                    raise
                kind, retryable = known
                if retryable and attempt <= self.retry.max_retries:
                    self.stats.retries += 1
                    self.stats.retry_reasons[kind] += 1
                    await asyncio.sleep(self.retry.delay(attempt, _retry_after(exc)))
                    continue
                raise RequestFailed(kind, str(exc)[:500], attempt, transient=retryable) from exc

    def _note_failure(self, transient: bool) -> None:
        self.stats.failures += 1
        if not transient:
            # The server answered (e.g. 400 prompt too long): it is up, this request alone is bad.
            self._consecutive_failures = 0
            return
        self._consecutive_failures += 1
        if self._consecutive_failures >= self.error_budget:
            raise ServerDown(
                f"{self._consecutive_failures} requests in a row failed for good against {self.base_url}: "
                "the server looks down"
            )

    async def count_tokens(self, text: str) -> int:
        """Tokens of `text` by the server's own tokenizer (vLLM's `/tokenize`); raises RequestFailed."""
        model = await self.resolve_model()
        root = self.base_url.rstrip("/").removesuffix("/v1")

        async def call() -> int:
            response = await self._client.post(
                f"{root}/tokenize", cast_to=dict, body={"model": model, "prompt": text, "add_special_tokens": False}
            )
            return int(response["count"])

        count, _ = await self._with_retries(call)
        return count

    async def _request(
        self, model: str, prompt: Prompt, params: InferenceConfig, extra_body: dict[str, Any]
    ) -> Completion:
        extra = request_extras(params, extra_body)
        stop = list(dict.fromkeys([*params.stop_phrases, *prompt.stop_phrases])) or None
        common: dict[str, Any] = dict(
            model=model,
            temperature=params.temperature,
            top_p=params.top_p,
            max_tokens=params.tokens_to_generate,
            seed=params.random_seed,
            stop=stop,
            extra_body=extra or None,
        )
        reasoning = None
        top_logprobs = logprobs_wanted(params)
        if prompt.text is not None:
            if top_logprobs is not None:
                common["logprobs"] = top_logprobs
            response = await transport(self._client.completions.create(prompt=prompt.text, **common))
            choice = first_choice(response)
            text = choice.text
            logprobs = _completion_logprobs(choice.logprobs) if top_logprobs is not None else None
        else:
            if top_logprobs is not None:
                common["logprobs"] = True
                common["top_logprobs"] = top_logprobs
            response = await transport(self._client.chat.completions.create(messages=prompt.messages, **common))
            choice = first_choice(response)
            text = choice.message.content or ""
            logprobs = _chat_logprobs(choice.logprobs) if top_logprobs is not None else None
            reasoning = getattr(choice.message, "reasoning_content", None) or getattr(choice.message, "reasoning", None)
        usage = response.usage
        details = getattr(usage, "completion_tokens_details", None) if usage else None
        return Completion(
            text=text,
            finish_reason=choice.finish_reason,
            prompt_tokens=usage.prompt_tokens if usage else None,
            completion_tokens=usage.completion_tokens if usage else None,
            logprobs=logprobs,
            stop_reason=getattr(choice, "stop_reason", None),
            reasoning_content=reasoning,
            reasoning_tokens=getattr(details, "reasoning_tokens", None),
            prompt_logprobs=getattr(choice, "prompt_logprobs", None) or getattr(response, "prompt_logprobs", None),
        )


def first_choice(response: Any) -> Any:
    """The one choice of a completion response; MalformedResponse when the server sent none."""
    choices = getattr(response, "choices", None)
    if not choices:
        raise MalformedResponse(f"the server's answer has no choices: {str(response)[:200]}")
    return choices[0]


def _chat_logprobs(logprobs: Any) -> list[dict[str, Any]] | None:
    if logprobs is None or logprobs.content is None:
        return None
    return [
        {"token": t.token, "logprob": t.logprob, "top_logprobs": {a.token: a.logprob for a in t.top_logprobs or []}}
        for t in logprobs.content
    ]


def _completion_logprobs(logprobs: Any) -> list[dict[str, Any]] | None:
    if logprobs is None or logprobs.tokens is None:
        return None
    tops = logprobs.top_logprobs or [None] * len(logprobs.tokens)
    return [
        {"token": tok, "logprob": lp, "top_logprobs": dict(top or {})}
        for tok, lp, top in zip(logprobs.tokens, logprobs.token_logprobs, tops)
    ]


def now() -> float:
    """Wall-clock seconds (epoch), as NeMo-Skills records generation times."""
    return time.time()

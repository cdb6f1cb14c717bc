"""The async OpenAI-compatible client: timeouts, retries with backoff and jitter, Retry-After, an error budget.

Requests go out as plain dicts over `transport.HttpTransport` (aiohttp + orjson); the `openai` SDK is not on
this path (it costs about 20x the CPU per request). Only the server's or the network's failures are retried
(`TransportError`, `MalformedResponse`, see errors.py); anything else is a bug and propagates.
"""

from __future__ import annotations

import asyncio
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
from nskit.generation.errors import MalformedResponse, RequestFailed, ServerDown
from nskit.generation.payload import Completion, build_request, read_completion
from nskit.generation.transport import HttpTransport, TransportError
from nskit.prompt.render import Prompt

log = logging.getLogger(__name__)

T = TypeVar("T")

__all__ = ["ClientStats", "Completion", "MalformedResponse", "ModelClient", "RequestFailed", "RetryPolicy",
           "ServerDown", "now"]


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
        self.base_url = base_url
        self.model = model
        self.retry = retry or RetryPolicy()
        self.error_budget = error_budget
        self.stats = ClientStats()
        self._consecutive_failures = 0
        self._http = HttpTransport(base_url, api_key, timeout=timeout, max_connections=max_connections)

    async def resolve_model(self) -> str:
        """The model name to send: the one given, else the first the server lists."""
        if self.model is None:
            try:
                models, _ = await self._with_retries(lambda: self._http.get("/models"))
            except RequestFailed as exc:
                if exc.transient:
                    raise ServerDown(f"cannot reach the server at {self.base_url} to list its models: {exc}") from exc
                raise UserError(f"server {self.base_url} refused to list its models: {exc}") from exc
            listed = models.get("data")
            if not isinstance(listed, list) or not listed or not isinstance(listed[0], dict) or "id" not in listed[0]:
                raise RuntimeError(f"server {self.base_url} lists no models")
            self.model = str(listed[0]["id"])
        return self.model

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self._http.close()

    async def generate(
        self, prompt: Prompt, params: InferenceConfig, extra_body: dict[str, Any] | None = None
    ) -> Completion:
        """Send one prompt, retrying transient failures; raises RequestFailed or ServerDown.

        `extra_body` adds server-specific request fields (e.g. vLLM's `continue_final_message`).
        """
        model = self.model or await self.resolve_model()
        path, body = build_request(model, prompt, params, extra_body)
        with_logprobs = logprobs_wanted(params) is not None
        try:
            completion, attempts = await self._with_retries(lambda: self._ask(path, body, with_logprobs))
        except RequestFailed as exc:
            self._note_failure(transient=exc.transient)
            raise
        self._consecutive_failures = 0
        completion.retries = attempts - 1
        return completion

    async def count_tokens(self, text: str) -> int:
        """Tokens of `text` by the server's own tokenizer (vLLM's `/tokenize`); raises RequestFailed."""
        model = await self.resolve_model()
        body = {"model": model, "prompt": text, "add_special_tokens": False}

        async def call() -> int:
            answer = await self._http.post("/tokenize", body, at_root=True)
            if not isinstance(answer.get("count"), int):
                raise MalformedResponse(f"/tokenize answered without a count: {str(answer)[:200]}")
            return answer["count"]

        count, _ = await self._with_retries(call)
        return count

    async def _ask(self, path: str, body: dict[str, Any], with_logprobs: bool) -> Completion:
        return read_completion(path, await self._http.post(path, body), with_logprobs)

    async def _with_retries(self, call: Callable[[], Awaitable[T]]) -> tuple[T, int]:
        """`(result, attempts)` of `call()`, retried on transient failures; raises RequestFailed when it gives up."""
        attempt = 0
        while True:
            attempt += 1
            self.stats.requests += 1
            try:
                return await call(), attempt
            except (TransportError, MalformedResponse) as exc:  # the server's or the network's failures, no bug
                kind, retryable = exc.kind, getattr(exc, "retryable", True)
                if retryable and attempt <= self.retry.max_retries:
                    self.stats.retries += 1
                    self.stats.retry_reasons[kind] += 1
                    await asyncio.sleep(self.retry.delay(attempt, getattr(exc, "retry_after", None)))
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


def now() -> float:
    """Wall-clock seconds (epoch), as NeMo-Skills records generation times."""
    return time.time()

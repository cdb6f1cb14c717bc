"""Requests spread over several replicas of one model (`--server_replicas R`): a list of base URLs with health.

`ReplicaClient` has the surface the runners use (`generate`, `resolve_model`, `stats`, `close`, `base_url`) and
holds one transport client per replica. Each request goes to the healthy replica with the fewest requests in
flight, and no replica carries more than its share of `max_concurrent` (the run's concurrency divided by the
replicas that are up, so the survivors take over a dead replica's share). A request that fails for a transient reason (connection
refused, reset, timeout, 5xx) makes the replica's health be checked (`GET <base>/models`): a replica that does not
answer is marked down and gets no more requests, and the request is sent again to another one. Only when every
replica is down does the run stop (ServerDown). The transport below (retries of one replica) is unchanged.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from nskit.config.generation import InferenceConfig
from nskit.generation.client import ClientStats, ModelClient, RetryPolicy
from nskit.generation.errors import RequestFailed, ServerDown
from nskit.generation.payload import Completion
from nskit.prompt.render import Prompt

log = logging.getLogger(__name__)
T = TypeVar("T")


def split_addresses(server_address: str) -> list[str]:
    """`--server_address` as a list: one URL, or the comma-separated URLs of the replicas."""
    return [part.strip() for part in server_address.split(",") if part.strip()]


@dataclass
class Replica:
    """One server of the pool: its transport client, its requests in flight, whether it is up."""

    client: ModelClient
    in_flight: int = 0
    up: bool = True
    served: int = 0


class ReplicaClient:
    """Sends each prompt to one of several OpenAI-compatible servers of the same model (see the module docstring)."""

    def __init__(self, clients: list[ModelClient], max_concurrent: int | None = None,
                 retry: RetryPolicy | None = None,
                 probe: Callable[[str], bool] | None = None) -> None:
        if not clients:
            raise ValueError("ReplicaClient needs at least one replica")
        self.replicas = [Replica(client) for client in clients]
        self.max_concurrent = max_concurrent
        self.retry = retry or RetryPolicy()
        self._probe = probe or _models_answer
        self._changed = asyncio.Condition()
        self.failovers: Counter = Counter()

    @property
    def base_url(self) -> str:
        """The replicas' addresses, comma-separated (as `--server_address` takes them)."""
        return ",".join(replica.client.base_url for replica in self.replicas)

    @property
    def model(self) -> str | None:
        """The model name sent with each request (resolved from the first replica that answers)."""
        return self.replicas[0].client.model

    @property
    def stats(self) -> ClientStats:
        """The replicas' counters added up; a request sent again to another replica counts as a retry."""
        total = ClientStats()
        for replica in self.replicas:
            total.requests += replica.client.stats.requests
            total.retries += replica.client.stats.retries
            total.failures += replica.client.stats.failures
            total.retry_reasons.update(replica.client.stats.retry_reasons)
        total.retries += sum(self.failovers.values())
        total.retry_reasons.update({f"failover_{kind}": n for kind, n in self.failovers.items()})
        return total

    async def resolve_model(self) -> str:
        """The model name, asked of the first replica that answers; every replica then sends the same one."""
        failure: Exception | None = None
        for replica in self.replicas:
            try:
                model = await replica.client.resolve_model()
            except ServerDown as exc:
                failure = exc
                replica.up = False
                continue
            for other in self.replicas:
                other.client.model = model
            return model
        raise ServerDown(f"no replica answered: {failure}")

    async def close(self) -> None:
        """Close every replica's connections."""
        for replica in self.replicas:
            await replica.client.close()

    async def generate(
        self, prompt: Prompt, params: InferenceConfig, extra_body: dict[str, Any] | None = None
    ) -> Completion:
        """Send one prompt to a healthy replica; on a transient failure check that replica and send it again to
        another (up to the retry policy's count); raises RequestFailed, or ServerDown when no replica is up."""
        completion, attempts = await self._on_a_replica(lambda client: client.generate(prompt, params, extra_body))
        completion.retries += attempts - 1
        return completion

    async def count_tokens(self, text: str) -> int:
        """Tokens of `text` by a healthy replica's tokenizer (every replica serves the same model)."""
        count, _ = await self._on_a_replica(lambda client: client.count_tokens(text))
        return count

    async def _on_a_replica(self, call: Callable[[ModelClient], Awaitable[T]]) -> tuple[T, int]:
        """`(call(client), attempts)` on the least busy healthy replica, moved to another one when it fails."""
        attempt = 0
        while True:
            attempt += 1
            replica = await self._acquire()
            try:
                result = await call(replica.client)
            except ServerDown as exc:
                await self._mark_down(replica, str(exc))
                self.failovers["server_down"] += 1
                continue
            except RequestFailed as exc:
                if not exc.transient or attempt > self.retry.max_retries:
                    raise
                self.failovers[exc.kind] += 1
                if not await asyncio.to_thread(self._probe, replica.client.base_url):
                    await self._mark_down(replica, str(exc))
                else:  # the replica is up: this was a hiccup, back off as the transport would
                    await asyncio.sleep(self.retry.delay(attempt, None))
                continue
            finally:
                await self._release(replica)
            replica.served += 1
            return result, attempt

    def usage(self) -> dict[str, int]:
        """Requests answered per replica (base URL -> count)."""
        return {replica.client.base_url: replica.served for replica in self.replicas}

    async def _acquire(self) -> Replica:
        async with self._changed:
            while True:
                up = [replica for replica in self.replicas if replica.up]
                if not up:
                    raise ServerDown(f"every replica is down: {self.base_url}")
                share = -(-self.max_concurrent // len(up)) if self.max_concurrent else None
                free = [r for r in up if share is None or r.in_flight < share]
                if free:
                    chosen = min(free, key=lambda replica: replica.in_flight)
                    chosen.in_flight += 1
                    return chosen
                await self._changed.wait()

    async def _release(self, replica: Replica) -> None:
        async with self._changed:
            replica.in_flight -= 1
            self._changed.notify_all()

    async def _mark_down(self, replica: Replica, reason: str) -> None:
        async with self._changed:
            if replica.up:
                replica.up = False
                log.warning("replica %s is down, its requests go to the others: %s", replica.client.base_url, reason)
            self._changed.notify_all()


def _models_answer(base_url: str) -> bool:
    """Health of an OpenAI-compatible server: its model list answers 200."""
    from nskit.proc import is_healthy

    return is_healthy(base_url.rstrip("/") + "/models")


def make_client(server_address: str, model: str | None, *, max_concurrent: int, **kwargs: Any) -> Any:
    """The client for `--server_address`: a ModelClient for one URL, a ReplicaClient over several (each replica's
    own retries kept short: a dead replica is left for another, not waited on)."""
    addresses = split_addresses(server_address)
    if len(addresses) == 1:
        return ModelClient(addresses[0], model, **kwargs)
    retry = kwargs.pop("retry", None) or RetryPolicy()
    clients = [ModelClient(address, model, retry=RetryPolicy(max_retries=1), **kwargs) for address in addresses]
    return ReplicaClient(clients, max_concurrent=max_concurrent, retry=retry)

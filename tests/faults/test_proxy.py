"""The fault proxy itself, in front of the in-process fake OpenAI server: each fault, as the client sees it."""

from __future__ import annotations

import asyncio
import random
import socket
import time
from collections.abc import Iterator

import pytest

from nskit.config.generation import InferenceConfig
from nskit.generation.client import ModelClient, RequestFailed, RetryPolicy
from nskit.prompt.render import Prompt
from tests.faults.proxy import FaultProxy, FaultRates
from tests.judge.fake_openai import FakeServer, fake_openai

PARAMS = InferenceConfig(tokens_to_generate=8)


@pytest.fixture
def upstream() -> Iterator[FakeServer]:
    with fake_openai(lambda prompt, attempt: (200, {}, f"answer to {prompt}")) as server:
        yield server


def ask(base_url: str, text: str = "q", *, timeout: float = 5.0, max_retries: int = 2) -> tuple[str, ModelClient]:
    """One request through a fresh client: (answer text, client with its stats)."""

    async def run() -> tuple[str, ModelClient]:
        client = ModelClient(base_url, timeout=timeout, retry=RetryPolicy(max_retries=max_retries, base_delay=0.05))
        try:
            completion = await client.generate(Prompt(messages=[{"role": "user", "content": text}]), PARAMS)
            return completion.text, client
        finally:
            await client.close()

    return asyncio.run(run())


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("error_500", "http_500"), ("rate_limit", "rate_limit"), ("drop", "connection"), ("truncate", "connection"),
     ("garble", "bad_response"), ("stall", "timeout")],
)
def test_each_fault_costs_one_retry_of_its_kind(upstream: FakeServer, fault: str, reason: str) -> None:
    with FaultProxy(upstream.base_url, FaultRates(stall_seconds=2.0, retry_after=0.2)) as proxy:
        proxy.force(fault)
        text, client = ask(proxy.base_url, timeout=1.0)
    assert text == "answer to q"
    assert client.stats.retries == 1 and dict(client.stats.retry_reasons) == {reason: 1}
    assert proxy.state.counts[fault] == 1
    assert [e.outcome for e in proxy.state.attempts().popitem()[1]] == [fault, "forwarded"]


def test_stall_shorter_than_the_timeout_only_delays(upstream: FakeServer) -> None:
    with FaultProxy(upstream.base_url, FaultRates(stall_seconds=0.6)) as proxy:
        proxy.force("stall")
        started = time.monotonic()
        text, client = ask(proxy.base_url, timeout=5.0)
    assert text == "answer to q" and client.stats.retries == 0
    assert time.monotonic() - started >= 0.6


def test_retry_after_is_honoured(upstream: FakeServer) -> None:
    with FaultProxy(upstream.base_url, FaultRates(retry_after=1.0)) as proxy:
        proxy.force("rate_limit")
        ask(proxy.base_url)
    first, second = proxy.state.attempts().popitem()[1]
    assert first.outcome == "rate_limit" and second.outcome == "forwarded"
    assert second.at - first.at >= 1.0


def test_a_fault_every_time_exhausts_the_retries(upstream: FakeServer) -> None:
    with FaultProxy(upstream.base_url, FaultRates(error_500=1.0)) as proxy, \
            pytest.raises(RequestFailed, match="http_500") as failure:
        ask(proxy.base_url, max_retries=2)
    assert failure.value.attempts == 3 and proxy.state.counts["error_500"] == 3
    assert upstream.requests == {}  # an injected 500 never reaches the server


def test_rates_are_drawn_in_proportion_and_reproducibly() -> None:
    rates = FaultRates(error_500=0.10, drop=0.05, rate_limit=0.02, stall=0.01)
    rng = random.Random(7)
    draws = [rates.draw(rng) for _ in range(20000)]
    assert draws == [rates.draw(r) for r in [random.Random(7)] for _ in range(20000)]
    share = {name: draws.count(name) / len(draws) for name in ("error_500", "drop", "rate_limit", "stall")}
    assert share == pytest.approx({"error_500": 0.10, "drop": 0.05, "rate_limit": 0.02, "stall": 0.01}, abs=0.01)
    assert draws.count(None) / len(draws) == pytest.approx(0.82, abs=0.01)
    with pytest.raises(ValueError, match="sum to <= 1"):
        FaultRates(error_500=0.7, drop=0.4)


def test_models_listing_is_not_faulted(upstream: FakeServer) -> None:
    with FaultProxy(upstream.base_url, FaultRates(drop=1.0)) as proxy, pytest.raises(RequestFailed):
        ask(proxy.base_url, max_retries=0)
    assert proxy.state.counts == {"forwarded": 1, "drop": 1}  # GET /v1/models went through


def refused(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_go_down_refuses_connections_and_aborts_open_ones(upstream: FakeServer) -> None:
    with FaultProxy(upstream.base_url, FaultRates(stall_seconds=30.0)) as proxy:
        assert ask(proxy.base_url)[0] == "answer to q"
        proxy.force("stall")

        async def stalled() -> str:
            loop = asyncio.get_running_loop()
            pending = loop.run_in_executor(None, lambda: ask(proxy.base_url, timeout=60.0, max_retries=0))
            await asyncio.sleep(0.5)
            started = time.monotonic()
            proxy.go_down()
            with pytest.raises(RequestFailed, match="connection"):
                await pending
            return f"{time.monotonic() - started:.1f}"

        assert float(asyncio.run(stalled())) < 5.0  # the in-flight request failed at once, not after the stall
        assert refused(proxy.port)
        proxy.come_back()
        assert not refused(proxy.port)
        assert ask(proxy.base_url)[0] == "answer to q"

"""A 200-request run through the fault proxy (10% 500s, 5% dropped connections, 2% 429s, 1% 5-second stalls).

Every record must be generated, without `error`, and the retries the run reports must be exactly the faults the
proxy injected, by kind. Stalls are shorter than the request timeout here, so they only delay (the proxy test
shows a stall longer than the timeout being retried as `timeout`).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from nskit.records import iter_jsonl
from tests.faults.helpers import WIDE, retry_counts, write_problems
from tests.faults.proxy import FaultProxy, FaultRates
from tests.helpers import ns

pytestmark = pytest.mark.vllm

RATES = FaultRates(error_500=0.10, drop=0.05, rate_limit=0.02, stall=0.01, stall_seconds=5.0, retry_after=1.0)
SEED = 1
"""The draws are reproducible (one per request, whichever record it is for); this seed injects every kind."""


def test_200_requests_through_a_flaky_proxy(tmp_path: Path, vllm_server: str) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "output.jsonl"
    write_problems(source, 200)
    with FaultProxy(vllm_server, RATES, seed=SEED) as proxy:
        result = ns(
            "generate", "--input_file", str(source), "--output_file", str(output), "--server_address", proxy.base_url,
            "++inference.tokens_to_generate=16", "++max_concurrent_requests=64", "++request_timeout=60",
            env=WIDE, timeout=600,
        )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    records = list(iter_jsonl(output))
    assert [r["id"] for r in records] == [f"p{i}" for i in range(200)]
    assert not [r["id"] for r in records if "error" in r or not r["num_generated_tokens"]]

    injected = proxy.state.counts
    assert all(injected[kind] >= 1 for kind in ("error_500", "drop", "rate_limit", "stall")), injected
    total, reasons = retry_counts(log)
    expected = {"http_500": injected["error_500"], "connection": injected["drop"], "rate_limit": injected["rate_limit"]}
    assert reasons == expected
    assert total == sum(expected.values()) == sum(r["num_retries"] for r in records)
    assert injected["forwarded"] + injected["stall"] == 200 + 1  # 200 answers (stalled ones too) + GET /v1/models

    for attempts in proxy.state.attempts().values():
        for before, after in itertools.pairwise(attempts):
            if before.outcome == "rate_limit":
                assert after.at - before.at >= RATES.retry_after  # Retry-After honoured

"""`++inference.token_log=K` through the generation loop: a sidecar per output file, crash-safe and resumable."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nskit.config.generation import GenerationConfig
from nskit.config.overrides import build_config
from nskit.generation.client import ModelClient, ServerDown
from nskit.generation.command import make_job
from nskit.generation.jobs import GenerationJob
from nskit.generation.runner import default_strategy, run_jobs
from nskit.records import iter_jsonl
from nskit.records.layout import token_log_path
from nskit.records.token_log import TOKEN_STEPS_FIELD, read_token_log
from tests.faults.helpers import write_problems

pytestmark = pytest.mark.vllm


def run(address: str, job: GenerationJob, stop_after: int | None = None) -> None:
    calls = 0

    async def strategy(client: ModelClient, job: GenerationJob, record: dict[str, Any]) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if stop_after is not None and calls > stop_after:
            raise ServerDown("stopped by the test")
        return await default_strategy(client, job, record)

    async def go() -> None:
        client = ModelClient(address)
        try:
            job.model = await client.resolve_model()
            await run_jobs([job], client, 1, strategy=strategy)
        finally:
            await client.close()

    asyncio.run(go())


def test_token_log_survives_a_stop_and_resumes(tmp_path: Path, decoding_server: str) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "output-rs0.jsonl"
    write_problems(source, 5)
    config = build_config(GenerationConfig, {"inference": {"temperature": 1.0, "tokens_to_generate": 24,
                                                           "token_log": 5, "epsilon": 0.2}})
    make = lambda: make_job(config, source, output, "")  # noqa: E731
    with pytest.raises(ServerDown):
        run(decoding_server, make(), stop_after=3)
    sidecar = token_log_path(output)
    before = read_token_log(sidecar)
    assert set(before) == {0, 1, 2} and not output.exists()
    sidecar.write_bytes(sidecar.read_bytes() + b"NTL1\x10\x00")  # a frame torn by a kill

    run(decoding_server, make())
    records = list(iter_jsonl(output))
    logs = read_token_log(output)
    assert sorted(logs) == list(range(5))
    for position, record in enumerate(records):
        assert "logprobs" not in record and TOKEN_STEPS_FIELD not in record
        steps = logs[position]
        assert len(steps) == record["num_generated_tokens"] and steps.k == 5
        assert np.all((steps.chosen_probs >= 0.2 - 1e-3) | (steps.ranks == 1))
    for position, steps in before.items():  # kept from the first run, not generated again
        assert np.array_equal(logs[position].chosen_ids, steps.chosen_ids)

"""`--retry_errors` on an interrupted run: a failed record in the partial file is superseded by its retry."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from nskit.config.generation import InferenceConfig
from nskit.generation.client import ModelClient
from nskit.generation.jobs import GenerationJob
from nskit.generation.runner import run_jobs
from nskit.prompt.render import load_prompt_config
from nskit.records import PartialOutput, iter_jsonl


def test_retry_errors_replaces_failed_records_of_a_partial(tmp_path: Path) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "output.jsonl"
    source.write_text("".join(json.dumps({"id": i, "problem": f"p{i}"}) + "\n" for i in range(3)))
    job = GenerationJob(input_file=source, output_file=output, prompt_config=load_prompt_config("generic/math"),
                        inference=InferenceConfig())
    partial = PartialOutput(output, job.fingerprint())
    partial.open()
    partial.append(0, {"id": 0, "problem": "p0", "generation": "old 0"})
    partial.append(1, {"id": 1, "problem": "p1", "generation": "", "error": "http_500: boom"})
    partial.close()
    asked: list[int] = []

    async def strategy(client, job, record):  # type: ignore[no-untyped-def]
        asked.append(record["id"])
        return {"generation": f"new {record['id']}", "num_generated_tokens": 1}

    async def run() -> None:
        client = ModelClient("http://127.0.0.1:9/v1", model="unused")  # never contacted by this strategy
        try:
            await run_jobs([job], client, 4, retry_errors=True, strategy=strategy)
        finally:
            await client.close()

    asyncio.run(run())
    assert sorted(asked) == [1, 2]
    final = list(iter_jsonl(output))
    assert [r["generation"] for r in final] == ["old 0", "new 1", "new 2"]
    assert not any("error" in r for r in final)

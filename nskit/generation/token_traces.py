"""`ns token_traces`: teacher-forced per-token logs of reference solutions, from vLLM's prompt logprobs.

Each problem is sent with its reference solution as the assistant's turn (chat template, the turn left open) and
`prompt_logprobs=K`; the logprobs of the solution's tokens give, per reference token, its probability, its exact
rank and the top-K alternatives. Where the solution starts is the token count of the prompt alone, asked with the
same chat template. The generation loop does the rest: records in `<output_dir>/token-traces/<benchmark>/output.jsonl`
(`num_prompt_tokens`, `num_reference_tokens`), logs in `output.tokens` beside it, resumable like any output.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nskit.config.generation import GenerationConfig
from nskit.config.overrides import build_config, parse_overrides
from nskit.generation.client import ModelClient, RequestFailed, RetryPolicy
from nskit.generation.command import make_job
from nskit.generation.jobs import GenerationJob
from nskit.generation.runner import RunSummary, Strategy, run_jobs
from nskit.generation.token_steps import steps_from_prompt_logprobs
from nskit.prompt.render import Prompt, build_prompt
from nskit.records.layout import traces_file
from nskit.records.token_log import TOKEN_STEPS_FIELD

log = logging.getLogger(__name__)

@dataclass
class TraceRequest:
    """What `ns token_traces` was asked for."""

    benchmark: str
    output_dir: Path
    server_address: str
    top_k: int = 20
    solution_field: str = "reference_solution"
    data_dir: Path | None = None
    model: str | None = None
    overrides: list[str] = field(default_factory=list)


def teacher_forced(solution_field: str, k: int) -> Strategy:
    """The strategy that logs a record's reference solution token by token."""

    async def trace(client: ModelClient, job: GenerationJob, record: dict[str, Any]) -> dict[str, Any]:
        solution = record.get(solution_field)
        if not solution:
            raise RequestFailed("no_reference", f"record has no {solution_field!r}", 0, transient=False)
        messages = build_prompt(record, job.prompt_config, None, job.system_message).messages
        alone = await client.generate(Prompt(messages=messages), job.inference)
        forced = await client.generate(
            Prompt(messages=[*messages, {"role": "assistant", "content": solution}]), job.inference,
            extra_body={"prompt_logprobs": k, "add_generation_prompt": False, "continue_final_message": True},
        )
        if forced.prompt_logprobs is None or alone.prompt_tokens is None:
            raise RequestFailed("no_logprobs", "the server sent no prompt logprobs (vLLM needed)", 1, transient=False)
        start = alone.prompt_tokens
        steps = steps_from_prompt_logprobs(forced.prompt_logprobs[start:], k)
        return {"num_prompt_tokens": start, "num_reference_tokens": len(steps), TOKEN_STEPS_FIELD: steps}

    return trace


async def trace_async(request: TraceRequest) -> RunSummary:
    """Run the teacher-forced traces of one benchmark against `request.server_address`."""
    from nskit.datasets import ensure_prepared, get_benchmark

    benchmark = get_benchmark(request.benchmark)
    overrides = parse_overrides(request.overrides)
    forced = {"inference": {"temperature": 0.0, "tokens_to_generate": 1, "token_log": request.top_k}}
    settings = build_config(GenerationConfig, {"prompt_config": benchmark.prompt_config}, overrides, forced)
    client = ModelClient(request.server_address, request.model, api_key=os.environ.get("OPENAI_API_KEY"),
                         timeout=settings.request_timeout, retry=RetryPolicy(max_retries=settings.max_retries),
                         error_budget=settings.error_budget)
    try:
        model = await client.resolve_model()
        data = ensure_prepared(request.benchmark, request.data_dir)
        job = make_job(settings, data, traces_file(request.output_dir, request.benchmark), model)
        summary = await run_jobs([job], client, settings.max_concurrent_requests,
                                 strategy=teacher_forced(request.solution_field, request.top_k))
    finally:
        await client.close()
    log.info(summary.line())
    return summary


def run_traces(request: TraceRequest) -> RunSummary:
    """Synchronous entry for the CLI."""
    return asyncio.run(trace_async(request))

"""`ns generate`: build jobs from chunks or an input/output pair, reach or start a server, run, summarize."""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nskit.config.generation import SAMPLING_DEFAULTS, GenerationConfig, record_settings
from nskit.config.overrides import build_config
from nskit.config.settings import generation_settings
from nskit.decoding.knobs import NEEDS_SAMPLING
from nskit.errors import UserError
from nskit.generation.client import ModelClient, RetryPolicy
from nskit.generation.replicas import ReplicaClient, make_client
from nskit.generation.jobs import GenerationJob
from nskit.generation.reasoning import ReasoningSettings
from nskit.generation.runner import RunSummary, run_jobs
from nskit.generation.transport import install_uvloop
from nskit.generation.strategies import select_strategy
from nskit.progress import progress
from nskit.records.layout import Chunk
from nskit.prompt.render import load_prompt_config, load_prompt_template

log = logging.getLogger(__name__)


@dataclass
class GenerateRequest:
    """What `ns generate` was asked for."""

    chunks: list[Chunk] = field(default_factory=list)
    output_dir: Path | None = None
    data_dir: Path | None = None
    input_file: Path | None = None
    output_file: Path | None = None
    model: str | None = None
    server_address: str | None = None
    server_type: str = "openai"
    rerun_done: bool = False
    retry_errors: bool = False
    overrides: list[str] = field(default_factory=list)


CODE_EXECUTION_PROMPT = "tir/math"
"""The default prompt with ++code_execution=true (few-shot, shows the code and output markers)."""


def chunk_config(settings: GenerationConfig, seed: int | None, prompt_default: str) -> GenerationConfig:
    """Settings for one output file: default prompt, sampling defaults for seeds, the user's settings, seed.

    The default prompt is the benchmark's, or the code-execution one when `++code_execution=true`. Only what the
    user set (`model_fields_set`) overrides the defaults of the file.
    """
    overrides = settings.model_dump(exclude_unset=True)
    if settings.code.enabled:
        prompt_default = CODE_EXECUTION_PROMPT
    layers: list[dict[str, Any]] = [{"prompt_config": prompt_default}]
    if seed is not None:
        layers += [SAMPLING_DEFAULTS, overrides, {"inference": {"random_seed": seed}}]
    else:
        layers.append(overrides)
    return build_config(GenerationConfig, *layers)


def make_job(config: GenerationConfig, input_file: Path, output_file: Path, model: str) -> GenerationJob:
    """A job from validated settings."""
    sampling_only = sorted(NEEDS_SAMPLING & set(config.inference.knobs()))
    if sampling_only and config.inference.temperature <= 0:
        raise UserError(f"{output_file.name} is generated greedily (temperature 0), but {', '.join(sampling_only)} "
                        "only act when sampling: use --skip_greedy or set ++inference.temperature")
    return GenerationJob(
        input_file=input_file,
        output_file=output_file,
        prompt_config=load_prompt_config(config.prompt_config or "generic/math"),
        template=load_prompt_template(config.prompt_template) if config.prompt_template else None,
        system_message=config.system_message,
        inference=config.inference,
        max_samples=config.max_samples,
        problem_ids=problem_id_set(config.problem_ids),
        model=model,
        reasoning=ReasoningSettings.from_config(config),
        settings=record_settings(config),
    )


def problem_id_set(value: str | list[str | int] | None) -> frozenset[str] | None:
    """`++problem_ids`: a list of ids, or a file with one id per line (blank lines and `#` comments skipped)."""
    if value is None:
        return None
    if isinstance(value, list):
        return frozenset(str(v) for v in value)
    path = Path(value)
    if not path.is_file():
        raise UserError(f"++problem_ids={value}: no such file (give a file with one id per line, or a list [a,b])")
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def build_jobs(request: GenerateRequest, model: str, settings: GenerationConfig) -> list[GenerationJob]:
    """Jobs for every requested file."""
    jobs = []
    if request.input_file is not None:
        if request.output_file is None:
            raise UserError("--input_file needs --output_file")
        config = chunk_config(settings, None, "generic/math")
        jobs.append(make_job(config, request.input_file, request.output_file, model))
    if request.chunks:
        from nskit.datasets import ensure_prepared, get_benchmark

        if request.output_dir is None:
            raise UserError("--chunks needs --output_dir")
        for chunk in request.chunks:
            benchmark = get_benchmark(chunk.benchmark, chunk.split)
            data_file = ensure_prepared(chunk.benchmark, request.data_dir, split=chunk.split)
            config = chunk_config(settings, chunk.seed, benchmark.prompt_config)
            jobs.append(make_job(config, data_file, chunk.output_file(request.output_dir), model))
    if not jobs:
        raise UserError("nothing to generate: give --input_file/--output_file or --chunks")
    return jobs


async def generate_async(request: GenerateRequest) -> RunSummary:
    """Run generation against `request.server_address` (or in batches, with `++batch_api=True`)."""
    settings = generation_settings(request.overrides)
    if settings.batch_api:
        return await generate_in_batches(request, settings)
    if request.server_address is None:
        raise UserError("ns generate talks to a running server: give --server_address (ns eval and ns "
                        "start_server start one; ++batch_api=True --server_type vllm runs vLLM's run_batch instead)")
    client = make_client(
        request.server_address,
        request.model,
        max_concurrent=settings.max_concurrent_requests,
        api_key=os.environ.get("OPENAI_API_KEY"),
        timeout=settings.request_timeout,
        retry=RetryPolicy(max_retries=settings.max_retries),
        error_budget=settings.error_budget,
        max_connections=settings.max_concurrent_requests,
    )
    try:
        model = await client.resolve_model()
        jobs = build_jobs(request, model, settings)
        if any(job.inference.knobs() for job in jobs):
            from nskit.generation.decoding import check_server_applies_knobs

            await check_server_applies_knobs(client)
        strategy = select_strategy(settings)
        log.info("generation strategy: %s", strategy.name)
        async with strategy.open(settings) as solve:
            with progress("generating") as (set_total, advance):
                summary = await run_jobs(
                    jobs, client, settings.max_concurrent_requests, rerun_done=request.rerun_done,
                    retry_errors=request.retry_errors, strategy=solve, on_record=advance, on_total=set_total,
                )
    finally:
        await client.close()
    log.info(summary.line())
    if isinstance(client, ReplicaClient):
        log.info("requests answered per replica: %s", client.usage())
    return summary


async def generate_in_batches(request: GenerateRequest, settings: GenerationConfig) -> RunSummary:
    """Batch mode: the OpenAI Batch API at `--server_address`, or vLLM's run_batch on `--model` (`--server_type
    vllm`, no server)."""
    from nskit.generation.batch import run_batch_jobs
    from nskit.generation.batch_backends import OpenAIBatches, vllm_batch_backend
    from nskit.generation.batch_files import BatchBackend

    if settings.code.enabled:
        raise UserError("++batch_api=True sends one request per record; ++code_execution=true needs a live server")
    api_key = os.environ.get("OPENAI_API_KEY")
    backend: BatchBackend
    if request.server_type == "vllm" and request.server_address is None:
        if request.model is None:
            raise UserError("++batch_api=True with --server_type vllm runs vLLM's run_batch locally: give --model")
        log_dir = (request.output_dir or (request.output_file or Path("out")).parent) / "logs"
        backend = vllm_batch_backend(request.model, log_dir / "run_batch.log", [])
        model = request.model
    elif request.server_address is not None:
        model = request.model or await _listed_model(request.server_address, api_key)
        backend = OpenAIBatches(request.server_address, api_key, settings.batch_completion_window)
    else:
        raise UserError("++batch_api=True needs --server_address (an endpoint with the Batch API), or "
                        "--server_type vllm --model M to run vLLM's run_batch locally")
    try:
        jobs = build_jobs(request, model, settings)
        with progress("batch generation") as (set_total, advance):
            summary = await run_batch_jobs(jobs, backend, settings, rerun_done=request.rerun_done,
                                           retry_errors=request.retry_errors, on_record=advance, on_total=set_total)
    finally:
        await backend.close()
    log.info(summary.line())
    return summary


async def _listed_model(server_address: str, api_key: str | None) -> str:
    client = ModelClient(server_address, api_key=api_key)
    try:
        return await client.resolve_model()
    finally:
        await client.close()


def run_generate(request: GenerateRequest) -> RunSummary:
    """Synchronous entry for the CLI (on uvloop when it is installed)."""
    install_uvloop()
    return asyncio.run(generate_async(request))

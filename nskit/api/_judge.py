"""`nskit.llm_math_judge`: ask an LLM whether each predicted answer is equivalent to the expected one."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nskit.config.cluster import ClusterConfig
    from nskit.judge.runner import JudgeReport

OPENAI_URL = "https://api.openai.com/v1"


def llm_math_judge(
    input_files: str | Path | Sequence[str | Path],
    *,
    model: str | None = None,
    server_type: str = "openai",
    server_address: str | None = None,
    prompt_config: str = "judge/math",
    max_concurrent_requests: int = 64,
    tokens_to_generate: int = 2048,
    max_retries: int = 6,
    request_timeout: float = 600.0,
    error_budget: int = 20,
    api_key_env: str = "OPENAI_API_KEY",
    retry_errors: bool = False,
    server_gpus: int | None = None,
    cluster: str = "local",
    config_dir: str | Path | None = None,
    dry_run: bool = False,
    extra_argv: Sequence[str] = (),
    batch_api: bool = False,
    batch_poll_interval: float = 60.0,
) -> JudgeReport | None:
    """Write `judgement` and `judge_correct` into each record, resumably, each file replaced atomically.

    With a server type that launches one (vllm) and no address, a server is started for the run. With `batch_api`
    the requests go as batch files (the Batch API at the address, or vLLM's run_batch for vllm without one). With `dry_run`
    or a cluster config whose executor is not local, the judging is planned as one step (`extra_argv`: more
    `ns llm_math_judge` flags for it) and handed to that executor; None is returned then. Raises `ServerDown`
    when the server stops answering (finished records are kept).
    """
    from nskit.api._files import _patterns
    from nskit.config.cluster import load_cluster_config
    from nskit.errors import UserError
    from nskit.grading.files import expand_paths

    patterns = _patterns(input_files)
    cluster_config = load_cluster_config(cluster, Path(config_dir) if config_dir else None)
    if dry_run or cluster_config.executor != "local":
        from nskit.cluster.executors import RunOptions, get_executor
        from nskit.pipeline.judge_steps import standalone_judge_plan

        argv = ["--prompt_config", prompt_config, "--max_concurrent_requests", str(max_concurrent_requests),
                "--tokens_to_generate", str(tokens_to_generate), "--max_retries", str(max_retries),
                "--request_timeout", str(request_timeout), "--error_budget", str(error_budget),
                "--api_key_env", api_key_env, *(["--retry_errors"] if retry_errors else []),
                *(["--batch_api", "--batch_poll_interval", str(batch_poll_interval)] if batch_api else []), *extra_argv]
        plan = standalone_judge_plan(patterns, model, server_type, server_address, server_gpus, cluster_config, argv)
        get_executor(cluster_config.executor)(plan, cluster_config,
                                              RunOptions(log_dir=Path("logs").resolve(), dry_run=dry_run))
        return None
    paths = [Path(p) for p in expand_paths(patterns)]
    api_key = os.environ.get(api_key_env) or None
    if server_type == "openai" and api_key is None and (server_address or OPENAI_URL).startswith(OPENAI_URL):
        raise UserError(f"the OpenAI API needs a key: set {api_key_env} in the environment")
    if server_type == "openai" and model is None:
        raise UserError("--model is required with --server_type openai (e.g. gpt-4o)")
    options = dict(prompt_config=prompt_config, concurrency=max_concurrent_requests, tokens=tokens_to_generate,
                   max_retries=max_retries, timeout=request_timeout, retry_errors=retry_errors,
                   error_budget=error_budget)
    if batch_api:
        return _judge_in_batches(paths, server_type, server_address, model, api_key, options, batch_poll_interval)
    if server_address is None and server_type != "openai":
        return _with_server(paths, server_type, model, server_gpus, cluster_config, api_key, options)
    return _judge(paths, server_address or OPENAI_URL, model, api_key, options)


def _with_server(paths: list[Path], server_type: str, model: str | None, gpus: int | None, cluster: ClusterConfig,
                 api_key: str | None, options: dict[str, Any]) -> JudgeReport:
    """Start a server for the run (with the cluster config's flags for its type), judge, stop it."""
    from nskit.models.default import ensure_converted, resolve_model
    from nskit.servers.launch import start_cluster_server

    model = ensure_converted(resolve_model(model, server_gpus=gpus))
    log = paths[0].parent / "judge-server.log"
    server = start_cluster_server(server_type, model, cluster, log, gpus=gpus)
    print(f"starting a {server_type} server for {model} (log {log})", flush=True)
    with server as running:
        return _judge(paths, running.base_url, None, api_key, options)


def _judge(paths: list[Path], base_url: str, model: str | None, api_key: str | None,
           options: dict[str, Any]) -> JudgeReport:
    """Run the judge over `paths` against the server at `base_url` with a progress display."""
    import asyncio

    from nskit.config.generation import InferenceConfig
    from nskit.errors import UserError
    from nskit.generation.client import ModelClient, RequestFailed, RetryPolicy, ServerDown
    from nskit.judge.runner import FileJudge, JudgeSettings
    from nskit.progress import progress
    from nskit.prompt.render import load_prompt_config
    from nskit.records import iter_jsonl

    total = sum(1 for path in paths for _ in iter_jsonl(path))

    async def run() -> JudgeReport:
        client = ModelClient(
            base_url, model=model, api_key=api_key, timeout=options["timeout"],
            retry=RetryPolicy(max_retries=options["max_retries"]), error_budget=options["error_budget"],
        )
        try:
            try:
                name = await client.resolve_model()
            except (RequestFailed, ServerDown) as exc:
                raise UserError(f"cannot list the models of {base_url}: {exc}") from exc
            settings = JudgeSettings(
                prompt=load_prompt_config(options["prompt_config"]), model=name,
                inference=InferenceConfig(temperature=0.0, tokens_to_generate=options["tokens"]),
                max_concurrent_requests=options["concurrency"], retry_errors=options["retry_errors"],
            )
            with progress("judging") as (set_total, advance):
                set_total(total)
                report = await FileJudge(client, settings, on_record=advance).run(paths)
            stats = client.stats
            retries = f"{stats.retries} retries ({', '.join(f'{k}: {v}' for k, v in stats.retry_reasons.items())})"
            print(f"requests sent: {stats.requests}, {retries if stats.retries else 'no retries'}", flush=True)
            report.model = name
            return report
        finally:
            await client.close()

    return asyncio.run(run())


def _judge_in_batches(paths: list[Path], server_type: str, server_address: str | None, model: str | None,
                      api_key: str | None, options: dict[str, Any], poll_interval: float) -> JudgeReport:
    """Judge through batch files: the Batch API at the address (OpenAI by default), or vLLM's run_batch locally."""
    import asyncio

    from nskit.config.generation import InferenceConfig
    from nskit.generation.batch_backends import OpenAIBatches, vllm_batch_backend
    from nskit.judge.batch import judge_in_batches
    from nskit.judge.runner import JudgeSettings
    from nskit.progress import progress
    from nskit.prompt.render import load_prompt_config

    if server_type == "vllm" and server_address is None:
        from nskit.models.default import ensure_converted, resolve_model

        model = ensure_converted(resolve_model(model, server_gpus=None))
        backend = vllm_batch_backend(model, paths[0].parent / "judge-run_batch.log", [])
    else:
        backend = OpenAIBatches(server_address or OPENAI_URL, api_key)
    settings = JudgeSettings(prompt=load_prompt_config(options["prompt_config"]), model=str(model),
                             inference=InferenceConfig(temperature=0.0, tokens_to_generate=options["tokens"]),
                             retry_errors=options["retry_errors"])

    async def run() -> JudgeReport:
        try:
            with progress("judging in batches") as (_, advance):
                return await judge_in_batches(paths, settings, backend, poll_interval=poll_interval,
                                              on_record=advance)
        finally:
            await backend.close()

    report = asyncio.run(run())
    report.model = str(model)
    return report

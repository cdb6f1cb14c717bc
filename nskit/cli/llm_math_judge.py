"""`ns llm_math_judge`: ask an LLM whether each predicted answer is equivalent to the expected one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from nskit.cli import options as opts
from nskit.cli.options import Model, ServerAddress, ServerType

OPENAI_URL = "https://api.openai.com/v1"


def register(app: typer.Typer) -> None:
    """Add the `llm_math_judge` command to `app`."""

    @app.command("llm_math_judge")
    def llm_math_judge(
        input_files: Annotated[
            list[str], typer.Option("--input_files", help="output files or glob patterns (quote them)")
        ],
        model: Model = None,
        server_type: ServerType = "openai",
        server_address: ServerAddress = None,
        prompt_config: Annotated[str, typer.Option("--prompt_config", help="judge prompt name or YAML path")] = "judge/math",
        max_concurrent_requests: Annotated[int, typer.Option("--max_concurrent_requests", min=1)] = 64,
        tokens_to_generate: Annotated[int, typer.Option("--tokens_to_generate", min=1)] = 2048,
        max_retries: Annotated[int, typer.Option("--max_retries", min=0, help="retries per request")] = 6,
        request_timeout: Annotated[float, typer.Option("--request_timeout", help="seconds per request")] = 600.0,
        error_budget: Annotated[
            int, typer.Option("--error_budget", min=1, help="stop after this many requests in a row fail for good")
        ] = 20,
        api_key_env: Annotated[
            str, typer.Option("--api_key_env", help="environment variable holding the API key (never logged)")
        ] = "OPENAI_API_KEY",
        input_price: Annotated[float | None, typer.Option("--input_price", help="USD per 1M input tokens")] = None,
        output_price: Annotated[float | None, typer.Option("--output_price", help="USD per 1M output tokens")] = None,
        retry_errors: Annotated[
            bool, typer.Option("--retry_errors", help="judge again only the records that carry judge_error")
        ] = False,
        batch_api: Annotated[
            bool, typer.Option("--batch_api", help="send the requests as batch files (OpenAI Batch API; vLLM's "
                               "run_batch for --server_type vllm without --server_address); see docs/batch.md")
        ] = False,
        batch_poll_interval: Annotated[
            float, typer.Option("--batch_poll_interval", help="seconds between two looks at the batches in flight")
        ] = 60.0,
        server_gpus: opts.ServerGpus = None,
        cluster: opts.Cluster = "local",
        config_dir: opts.ConfigDir = None,
        dry_run: opts.DryRun = False,
    ) -> None:
        """Write `judgement` and `judge_correct` into each record, resumably, each file replaced atomically.

        For --server_type vllm without --server_address a vLLM server is started for the run (default model: the
        embedded SmolLM2). Failed requests are recorded as judge_error and listed at the end (exit 1).
        """
        from nskit.cli.errors import user_errors
        from nskit.config.cluster import load_cluster_config
        from nskit.errors import UserError
        from nskit.grading.files import expand_paths

        patterns = [part for value in input_files for part in value.split()]
        with user_errors():
            cluster_config = load_cluster_config(cluster, config_dir)
        if dry_run or cluster_config.executor != "local":
            from nskit.cluster.executors import RunOptions, get_executor
            from nskit.pipeline.judge_steps import standalone_judge_plan

            argv = ["--prompt_config", prompt_config, "--max_concurrent_requests", str(max_concurrent_requests),
                    "--tokens_to_generate", str(tokens_to_generate), "--max_retries", str(max_retries),
                    "--request_timeout", str(request_timeout), "--error_budget", str(error_budget),
                    "--api_key_env", api_key_env, *(["--retry_errors"] if retry_errors else []),
                    *(["--batch_api", "--batch_poll_interval", str(batch_poll_interval)] if batch_api else [])]
            argv += ["--input_price", str(input_price)] if input_price is not None else []
            argv += ["--output_price", str(output_price)] if output_price is not None else []
            with user_errors():
                plan = standalone_judge_plan(patterns, model, server_type, server_address, server_gpus,
                                             cluster_config, argv)
                get_executor(cluster_config.executor)(plan, cluster_config,
                                                      RunOptions(log_dir=Path("logs").resolve(), dry_run=dry_run))
            return
        try:
            paths = [Path(p) for p in expand_paths(patterns)]
        except FileNotFoundError as exc:
            typer.echo(f"ns llm_math_judge: {exc}", err=True)
            raise typer.Exit(2) from None
        api_key = os.environ.get(api_key_env) or None
        if server_type == "openai" and api_key is None and (server_address or OPENAI_URL).startswith(OPENAI_URL):
            raise typer.BadParameter(f"the OpenAI API needs a key: set {api_key_env} in the environment")
        if server_type == "openai" and model is None:
            raise typer.BadParameter("--model is required with --server_type openai (e.g. gpt-4o)")
        options = dict(
            prompt_config=prompt_config, concurrency=max_concurrent_requests, tokens=tokens_to_generate,
            max_retries=max_retries, timeout=request_timeout, retry_errors=retry_errors, error_budget=error_budget,
        )
        try:
            if batch_api:
                report, model_name = _judge_in_batches(paths, server_type, server_address, model, api_key, options,
                                                       batch_poll_interval)
            elif server_address is None and server_type != "openai":
                report, model_name = _with_server(paths, server_type, model, server_gpus, cluster_config, api_key,
                                                  options)
            else:
                report, model_name = _judge(paths, server_address or OPENAI_URL, model, api_key, options)
        except (UserError, FileNotFoundError) as exc:
            typer.echo(f"ns llm_math_judge: {exc}", err=True)
            raise typer.Exit(2) from None
        _print_report(report, model_name, input_price, output_price)


def _with_server(paths: list[Path], server_type: str, model: str | None, gpus: int | None, cluster, api_key: str | None,  # type: ignore[no-untyped-def]
                 options: dict):
    """Start a local server for the run (the same flags `ns eval` uses here), judge, stop it."""
    from nskit.models.default import ensure_converted, resolve_model
    from nskit.servers.launch import start_cluster_server

    model = ensure_converted(resolve_model(model, server_gpus=gpus))
    log = paths[0].parent / "judge-server.log"
    server = start_cluster_server(server_type, model, cluster, log, gpus=gpus)
    typer.echo(f"starting a {server_type} server for {model} (log {log})")
    with server as running:
        return _judge(paths, running.base_url, None, api_key, options)


def _judge(paths: list[Path], base_url: str, model: str | None, api_key: str | None, options: dict):  # type: ignore[no-untyped-def]
    """Run the judge over `paths` against the server at `base_url` with a progress bar."""
    import asyncio

    from nskit.config.generation import InferenceConfig
    from nskit.errors import UserError
    from nskit.generation.client import ModelClient, RequestFailed, RetryPolicy, ServerDown
    from nskit.judge.runner import FileJudge, JudgeSettings
    from nskit.progress import progress
    from nskit.prompt.render import load_prompt_config
    from nskit.records import iter_jsonl

    total = sum(1 for path in paths for _ in iter_jsonl(path))

    async def run():  # type: ignore[no-untyped-def]
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
                prompt=load_prompt_config(options["prompt_config"]),
                model=name,
                inference=InferenceConfig(temperature=0.0, tokens_to_generate=options["tokens"]),
                max_concurrent_requests=options["concurrency"],
                retry_errors=options["retry_errors"],
            )
            with progress("judging") as (set_total, advance):
                set_total(total)
                judge = FileJudge(client, settings, on_record=advance)
                report = await judge.run(paths)
            stats = client.stats
            report_retries = f"{stats.retries} retries ({', '.join(f'{k}: {v}' for k, v in stats.retry_reasons.items())})"
            typer.echo(f"requests sent: {stats.requests}, {report_retries if stats.retries else 'no retries'}")
            return report, name
        finally:
            await client.close()

    try:
        return asyncio.run(run())
    except ServerDown as exc:
        typer.echo(f"ns llm_math_judge: {exc}; finished records are kept in <file>-async, rerun to resume", err=True)
        raise typer.Exit(1) from None


def _judge_in_batches(paths: list[Path], server_type: str, server_address: str | None, model: str | None,  # type: ignore[no-untyped-def]
                      api_key: str | None, options: dict, poll_interval: float):
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

    async def run():  # type: ignore[no-untyped-def]
        try:
            with progress("judging in batches") as (set_total, advance):
                return await judge_in_batches(paths, settings, backend, poll_interval=poll_interval,
                                              on_record=advance)
        finally:
            await backend.close()

    return asyncio.run(run()), str(model)


def _print_report(report, model: str, input_price: float | None, output_price: float | None) -> None:  # type: ignore[no-untyped-def]
    from nskit.judge.prices import cost_line

    for failure in report.failures:
        typer.echo(f"failed: {failure}", err=True)
    typer.echo(cost_line(model, report.prompt_tokens, report.completion_tokens, input_price, output_price))
    typer.echo(report.line())
    if report.failures:
        typer.echo(f"{len(report.failures)} record(s) carry judge_error; rerun with --retry_errors", err=True)
        raise typer.Exit(1)

"""`ns llm_math_judge`: ask an LLM whether each predicted answer is equivalent to the expected one."""

from __future__ import annotations

from typing import Annotated

import typer

from nskit.cli import options as opts
from nskit.cli.options import Model, ServerAddress, ServerType


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
        embedded SmolLM2). Failed requests are recorded as judge_error and listed at the end (exit 1). With
        --dry_run or a Slurm --cluster the judging is one planned step (printed, or submitted).
        """
        from nskit.api import llm_math_judge as judge
        from nskit.errors import UserError
        from nskit.generation.client import ServerDown

        prices = ["--input_price", str(input_price)] if input_price is not None else []
        prices += ["--output_price", str(output_price)] if output_price is not None else []
        try:
            report = judge(
                input_files, model=model, server_type=server_type, server_address=server_address,
                prompt_config=prompt_config, max_concurrent_requests=max_concurrent_requests,
                tokens_to_generate=tokens_to_generate, max_retries=max_retries, request_timeout=request_timeout,
                error_budget=error_budget, api_key_env=api_key_env, retry_errors=retry_errors,
                server_gpus=server_gpus, cluster=cluster, config_dir=config_dir, dry_run=dry_run, extra_argv=prices,
                batch_api=batch_api, batch_poll_interval=batch_poll_interval,
            )
        except (UserError, FileNotFoundError) as exc:
            typer.echo(f"ns llm_math_judge: {exc}", err=True)
            raise typer.Exit(2) from None
        except ServerDown as exc:
            typer.echo(f"ns llm_math_judge: {exc}; finished records are kept in <file>-async, rerun to resume", err=True)
            raise typer.Exit(1) from None
        if report is not None:
            _print_report(report, input_price, output_price)


def _print_report(report, input_price: float | None, output_price: float | None) -> None:  # type: ignore[no-untyped-def]
    from nskit.judge.prices import cost_line

    for failure in report.failures:
        typer.echo(f"failed: {failure}", err=True)
    typer.echo(cost_line(report.model, report.prompt_tokens, report.completion_tokens, input_price, output_price))
    typer.echo(report.line())
    if report.failures:
        typer.echo(f"{len(report.failures)} record(s) carry judge_error; rerun with --retry_errors", err=True)
        raise typer.Exit(1)

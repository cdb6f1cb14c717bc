"""`ns token_traces`: teacher-forced per-token logs of a benchmark's reference solutions (docs/decoding.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from nskit.cli import options
from nskit.cli.errors import user_errors


def register(app: typer.Typer) -> None:
    """Add `ns token_traces`."""

    @app.command("token_traces", context_settings=options.EXTRA_ARGS)
    def token_traces(
        ctx: typer.Context,
        benchmark: Annotated[str, typer.Option("--benchmark", help="benchmark whose reference solutions to trace")],
        server_address: Annotated[str, typer.Option("--server_address", help="a running vLLM server (ns start_server)")],
        output_dir: Annotated[Path, typer.Option("--output_dir", help="traces go to OUTPUT_DIR/token-traces/BENCH/")]
        = Path("results"),
        top_k: Annotated[int, typer.Option("--top_k", min=1, max=20, help="alternatives logged per token")] = 20,
        solution_field: Annotated[str, typer.Option("--solution_field", help="the record field holding the solution")]
        = "reference_solution",
        data_dir: options.DataDir = None,
        model: options.Model = None,
    ) -> None:
        """Send each problem with its reference solution and log, per solution token, its rank and the top-K.

        Settings go after the options as ++key=value (++max_samples=20, ++prompt_config=..., ++max_concurrent_requests).
        Re-running the same command resumes.
        """
        from nskit.generation.client import ServerDown
        from nskit.generation.token_traces import TraceRequest, run_traces
        from nskit.records.layout import traces_file
        from nskit.logs import setup_logging

        setup_logging()
        with user_errors():
            request = TraceRequest(benchmark=benchmark, output_dir=output_dir, server_address=server_address,
                                   top_k=top_k, solution_field=solution_field, data_dir=data_dir, model=model,
                                   overrides=list(ctx.args))
            try:
                run_traces(request)
            except ServerDown as exc:
                print(f"ns: error: {exc}. Partial results are kept; rerun the same command to resume.", file=sys.stderr)
                raise typer.Exit(3) from None
        print(f"traces: {traces_file(output_dir, benchmark)} (token log beside it: .tokens)")

"""`ns generate`: generate solutions for input files or benchmark chunks against an OpenAI-compatible server."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from nskit.cli import options, where
from nskit.cli.errors import user_errors


def register(app: typer.Typer) -> None:
    """Add `ns generate`."""

    @app.command("generate", context_settings=options.EXTRA_ARGS)
    def generate(
        ctx: typer.Context,
        input_file: Annotated[Path | None, typer.Option("--input_file", help="JSONL of problems")] = None,
        output_file: Annotated[Path | None, typer.Option("--output_file", help="where generations go")] = None,
        chunks: Annotated[
            str | None, typer.Option("--chunks", help="benchmark chunks: gsm8k:greedy,gsm8k:rs0 (as ns eval plans)")
        ] = None,
        output_dir: Annotated[Path | None, typer.Option("--output_dir", help="root of eval-results/ for --chunks")] = None,
        data_dir: options.DataDir = None,
        split: options.Split = None,
        model: options.Model = None,
        server_address: options.ServerAddress = None,
        server_type: options.ServerType = "openai",
        rerun_done: options.RerunDone = False,
        retry_errors: options.RetryErrors = False,
        cluster: where.Cluster = None,
        config_dir: where.ConfigDir = None,
    ) -> None:
        """Generate one solution per problem and seed; `++key=value` sets generation settings (see docs/generate.md).

        Re-running the same command resumes: finished records are never requested again.
        """
        if where.submitted(ctx, cluster, config_dir):
            return
        from nskit.api import generate as run_generate
        from nskit.generation.client import ServerDown
        from nskit.logs import setup_logging

        setup_logging()
        with user_errors():
            try:
                run_generate(
                    input_file=input_file, output_file=output_file, chunks=chunks, output_dir=output_dir,
                    data_dir=data_dir, split=split, model=model, server_address=server_address,
                    server_type=server_type, rerun_done=rerun_done, retry_errors=retry_errors, overrides=list(ctx.args),
                )
            except ServerDown as exc:
                print(f"ns: error: {exc}. Partial results are kept; rerun the same command to resume.", file=sys.stderr)
                raise typer.Exit(3) from None

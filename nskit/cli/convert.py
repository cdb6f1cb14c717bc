"""`ns convert`: convert a checkpoint between formats (gguf -> hf today; a registry of converters)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nskit.cli import where
from nskit.cli.errors import user_errors


def register(app: typer.Typer) -> None:
    """Add `ns convert`."""

    @app.command("convert")
    def convert(
        ctx: typer.Context,
        convert_from: Annotated[str, typer.Option("--convert_from", help="source format: gguf")],
        convert_to: Annotated[str, typer.Option("--convert_to", help="target format: hf")],
        input_model: Annotated[Path, typer.Option("--input_model", help="source file or folder")],
        output_model: Annotated[Path, typer.Option("--output_model", help="target folder")],
        dtype: Annotated[str, typer.Option("--dtype", help="weights dtype of the output")] = "bfloat16",
        cluster: where.Cluster = None,
        config_dir: where.ConfigDir = None,
    ) -> None:
        """Convert a model (e.g. a GGUF file into a Hugging Face folder: dequantized, tokenizer and chat template kept)."""
        if where.submitted(ctx, cluster, config_dir):
            return
        import time

        from nskit.logs import setup_logging
        from nskit.models.convert import convert as run_convert

        setup_logging()
        started = time.monotonic()
        with user_errors():
            run_convert(convert_from, convert_to, input_model, output_model, dtype)
        print(f"converted {input_model} -> {output_model} in {time.monotonic() - started:.1f} s")

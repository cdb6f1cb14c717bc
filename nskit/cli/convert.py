"""`ns convert`: convert a checkpoint between formats (gguf -> hf, hf -> trtllm; a registry of converters)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from nskit.cli import options, where
from nskit.cli.errors import user_errors


def register(app: typer.Typer) -> None:
    """Add `ns convert`."""

    @app.command("convert")
    def convert(
        convert_from: Annotated[str, typer.Option("--convert_from", help="source format: gguf, hf")],
        convert_to: Annotated[str, typer.Option("--convert_to", help="target format: hf, trtllm")],
        input_model: Annotated[Path, typer.Option("--input_model", help="source file or folder")],
        output_model: Annotated[Path, typer.Option("--output_model", help="target folder")],
        dtype: Annotated[str, typer.Option("--dtype", help="weights dtype of the output: bf16, fp16, fp32")] = "bfloat16",
        num_gpus: Annotated[int, typer.Option("--num_gpus", help="trtllm: tensor parallel size of the engine")] = 1,
        num_nodes: Annotated[int, typer.Option("--num_nodes", help="trtllm: nodes (1)")] = 1,
        hf_model_name: Annotated[
            str | None, typer.Option("--hf_model_name", help="trtllm: tokenizer source if the folder has none")
        ] = None,
        cluster: where.Cluster = None,
        config_dir: where.ConfigDir = None,
        partition: Annotated[str | None, typer.Option("--partition", help="Slurm partition (default: config)")] = None,
        dry_run: options.DryRun = False,
        expname: Annotated[str, typer.Option("--expname", help="name of the run (jobs, logs)")] = "convert",
    ) -> None:
        """Convert a model: a GGUF file into a Hugging Face folder, or a Hugging Face folder into a TensorRT-LLM
        engine (GPU machines; `--dry_run` prints the command lines, `--cluster` runs it as a Slurm job)."""
        import time

        from nskit.config.cluster import load_cluster_config
        from nskit.logs import setup_logging
        from nskit.models.convert import ConvertRequest, convert as run_convert, get_converter

        setup_logging()
        with user_errors():
            get_converter(convert_from, convert_to)  # an unknown pair lists the known ones
            request = ConvertRequest(input_model=input_model.resolve(), output_model=output_model.resolve(),
                                     dtype=dtype, num_gpus=num_gpus, num_nodes=num_nodes, hf_model_name=hf_model_name)
            config = load_cluster_config(cluster or "local", config_dir)
            if dry_run or config.executor != "local":
                from nskit.cluster.executors import RunOptions, get_executor
                from nskit.pipeline.convert_plan import build_convert_plan, converter_command

                plan = build_convert_plan(convert_from, convert_to, request, config, expname)
                get_executor(config.executor)(plan, config, RunOptions(log_dir=Path("logs").resolve(),
                                                                       dry_run=dry_run, partition=partition))
                shown = converter_command(convert_from, convert_to, request)
                if dry_run and shown:
                    print(f"the convert step runs: {' '.join(shown)}")
                return
            started = time.monotonic()
            run_convert(convert_from, convert_to, request)
        print(f"converted {input_model} -> {output_model} in {time.monotonic() - started:.1f} s", file=sys.stdout)

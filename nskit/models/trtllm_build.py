"""`python -m nskit.models.trtllm_build`: build a TensorRT-LLM engine from a Hugging Face folder (GPU machines).

TensorRT-LLM's LLM API with its TensorRT backend converts the checkpoint and builds the engine; `save` writes the
engine folder. The tokenizer files are saved next to the engine so that `trtllm-serve --tokenizer <engine>` needs
nothing else. Written into a temporary sibling folder and renamed at the end: an interrupted build leaves no folder
that a later run would take for a finished engine.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The builder's flags (build_command in nskit.models.trtllm writes them)."""
    parser = argparse.ArgumentParser(prog="python -m nskit.models.trtllm_build")
    parser.add_argument("--input_model", type=Path, required=True, help="Hugging Face folder")
    parser.add_argument("--output_model", type=Path, required=True, help="engine folder to write")
    parser.add_argument("--dtype", default="bfloat16", choices=["bfloat16", "float16", "float32"])
    parser.add_argument("--tp_size", type=int, default=1, help="tensor parallel size (GPUs)")
    parser.add_argument("--hf_model_name", default=None, help="tokenizer source when the folder has none")
    parser.add_argument("--max_batch_size", type=int, default=256)
    parser.add_argument("--max_input_len", type=int, default=4096)
    parser.add_argument("--max_seq_len", type=int, default=8192)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build and save the engine; exit code 0 on success."""
    from tensorrt_llm import BuildConfig
    from tensorrt_llm._tensorrt_engine import LLM
    from transformers import AutoTokenizer

    args = parse_args(argv)
    build_config = BuildConfig(max_batch_size=args.max_batch_size, max_input_len=args.max_input_len,
                               max_seq_len=args.max_seq_len)
    args.output_model.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{args.output_model.name}.", dir=args.output_model.parent))
    try:
        llm = LLM(model=str(args.input_model), dtype=args.dtype, tensor_parallel_size=args.tp_size,
                  build_config=build_config)
        llm.save(str(staging))
        llm.shutdown()
        tokenizer_source = args.hf_model_name or str(args.input_model)
        AutoTokenizer.from_pretrained(tokenizer_source).save_pretrained(staging)
        if args.output_model.exists():
            shutil.rmtree(args.output_model)
        staging.rename(args.output_model)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    print(f"TensorRT-LLM engine written to {args.output_model}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

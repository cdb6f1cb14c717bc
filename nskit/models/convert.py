"""Checkpoint conversion between formats (a registry keyed by (from, to))."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nskit.errors import UserError

log = logging.getLogger(__name__)


DTYPES = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32",
          "bfloat16": "bfloat16", "float16": "float16", "float32": "float32"}
"""NeMo-Skills spells dtypes bf16/fp16/fp32; the long names are accepted too."""


@dataclass
class ConvertRequest:
    """One conversion, with the options NeMo-Skills' `ns convert` spells the same way."""

    input_model: Path
    output_model: Path
    dtype: str = "bfloat16"
    num_gpus: int = 1
    """Tensor parallel size of the engine (GPUs of the node that serves it)."""
    num_nodes: int = 1
    hf_model_name: str | None = None
    """Where the tokenizer comes from when the input folder has none (a hub name or a folder)."""
    extra_args: list[str] = field(default_factory=list)


Converter = Callable[[ConvertRequest], None]


def gguf_to_hf(input_model: Path, output_model: Path, dtype: str = "bfloat16") -> None:
    """Dequantize a GGUF file into a Hugging Face folder (safetensors weights, config, tokenizer, chat template).

    Written into a temporary sibling folder and renamed at the end, so an interrupted conversion never leaves a
    half-written model that a later run would take for a finished one.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if not input_model.is_file():
        raise FileNotFoundError(f"GGUF file not found: {input_model}")
    torch_dtype = getattr(torch, DTYPES.get(dtype, dtype))
    output_model.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_model.name}.", dir=output_model.parent))
    try:
        folder, name = str(input_model.parent), input_model.name
        tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
        model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch_dtype)
        # The weights are dequantized on load; drop the quantizer so save_pretrained writes plain tensors.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        if output_model.exists():
            shutil.rmtree(output_model)
        staging.rename(output_model)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info("converted %s -> %s (%s)", input_model, output_model, dtype)


def gguf_request_to_hf(request: ConvertRequest) -> None:
    """`gguf_to_hf` for a ConvertRequest (one GGUF file, no GPUs)."""
    gguf_to_hf(request.input_model, request.output_model, request.dtype)


def hf_request_to_trtllm(request: ConvertRequest) -> None:
    """A TensorRT-LLM engine build (nskit.models.trtllm; imported here only when asked for)."""
    from nskit.models.trtllm import hf_to_trtllm

    hf_to_trtllm(request)


CONVERTERS: dict[tuple[str, str], Converter] = {("gguf", "hf"): gguf_request_to_hf, ("hf", "trtllm"): hf_request_to_trtllm}


def get_converter(convert_from: str, convert_to: str) -> Converter:
    """The converter from `convert_from` to `convert_to`; an unknown pair lists the available ones."""
    converter = CONVERTERS.get((convert_from, convert_to))
    if converter is None:
        known = ", ".join(f"{a}->{b}" for a, b in CONVERTERS)
        raise UserError(f"no converter from {convert_from!r} to {convert_to!r}; available: {known}")
    return converter


def convert(convert_from: str, convert_to: str, request: ConvertRequest) -> None:
    """Convert `request.input_model` (format `convert_from`) into `request.output_model` (format `convert_to`)."""
    get_converter(convert_from, convert_to)(request)

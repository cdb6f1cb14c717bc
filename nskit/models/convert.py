"""Checkpoint conversion between formats (a registry keyed by (from, to))."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from nskit.errors import UserError

log = logging.getLogger(__name__)

Converter = Callable[[Path, Path, str], None]


def gguf_to_hf(input_model: Path, output_model: Path, dtype: str = "bfloat16") -> None:
    """Dequantize a GGUF file into a Hugging Face folder (safetensors weights, config, tokenizer, chat template).

    Written into a temporary sibling folder and renamed at the end, so an interrupted conversion never leaves a
    half-written model that a later run would take for a finished one.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if not input_model.is_file():
        raise FileNotFoundError(f"GGUF file not found: {input_model}")
    torch_dtype = getattr(torch, dtype)
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


CONVERTERS: dict[tuple[str, str], Converter] = {("gguf", "hf"): gguf_to_hf}


def convert(convert_from: str, convert_to: str, input_model: Path, output_model: Path, dtype: str = "bfloat16") -> None:
    """Convert `input_model` (format `convert_from`) into `output_model` (format `convert_to`)."""
    converter = CONVERTERS.get((convert_from, convert_to))
    if converter is None:
        known = ", ".join(f"{a}->{b}" for a, b in CONVERTERS)
        hint = ""
        if convert_to == "trtllm":
            hint = (" (TensorRT-LLM engines are not built here: serve the Hugging Face model with "
                    "--server_type vllm, the same weights)")
        raise UserError(f"no converter from {convert_from!r} to {convert_to!r}; available: {known}{hint}")
    converter(input_model, output_model, dtype)

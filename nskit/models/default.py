"""The default model: the one rule every command and Slurm task uses when no `--model` is given."""

from __future__ import annotations

import shutil
from pathlib import Path

from nskit.errors import UserError


def has_gpu() -> bool:
    """True when an NVIDIA GPU is visible (decides whether the embedded CPU default applies)."""
    return Path("/dev/nvidia0").exists() or (shutil.which("nvidia-smi") is not None and Path("/proc/driver/nvidia").exists())


def resolve_model(model: str | None, *, server_gpus: int | None = None) -> str:
    """`model` as given; without one, on a CPU-only machine with no GPUs requested, the embedded SmolLM2's folder.

    The folder may not be converted yet: `ns eval` plans a `ns convert` step (`needs_conversion`), commands that
    serve at once call `ensure_converted`.
    """
    if model is not None:
        return model
    if server_gpus or has_gpu():
        raise UserError("--model is required on a machine with a GPU (the embedded default is for CPU-only runs)")
    from nskit.models.embedded import embedded_model_target

    return str(embedded_model_target())


def needs_conversion(model: str) -> bool:
    """Whether `model` is the embedded default and its converted folder is not in the cache yet."""
    from nskit.models.embedded import embedded_model_target

    target = embedded_model_target()
    return Path(model) == target and not (target / "config.json").is_file()


def ensure_converted(model: str) -> str:
    """`model`, converting the embedded default from its GGUF first when the cache lacks it."""
    if needs_conversion(model):
        from nskit.models.embedded import embedded_model_dir

        embedded_model_dir()
    return model

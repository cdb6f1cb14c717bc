"""TensorRT-LLM's OpenAI-compatible server (`trtllm-serve`); NVIDIA GPUs only.

It serves either a TensorRT engine folder (what `ns convert --convert_to trtllm` writes: `rank0.engine` ...,
with the tokenizer copied next to it) with `--backend tensorrt`, or a Hugging Face folder with its PyTorch backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nskit.errors import UserError
from nskit.servers.base import LaunchSpec, register_server_type


def is_engine_dir(model: str) -> bool:
    """True for a built TensorRT-LLM engine folder (its rank files sit next to `config.json`)."""
    return (Path(model) / "rank0.engine").is_file()


@dataclass(frozen=True)
class TrtllmServer:
    """`trtllm-serve MODEL --host H --port P --backend B --tp_size T --pp_size P` (its documented flags).

    The model is served under its path (trtllm-serve's default `--served_model_name`). Stopped by SIGTERM to its
    process group (the MPI workers of a multi-GPU engine with it), SIGKILL after a grace period. Environment: the
    cluster config's `servers.trtllm.env_vars`.
    """

    name: str = "trtllm"
    launches_process: bool = True
    needs_gpu: bool = True

    def command(self, spec: LaunchSpec, python: str) -> list[str]:
        """trtllm-serve argv: an engine folder gets the tensorrt backend and its own tokenizer files."""
        if spec.nodes > 1:
            raise UserError("--server_type trtllm serves on one node in nskit (use --server_replicas for more "
                            "throughput, or vllm for a model that needs several nodes)")
        engine = is_engine_dir(spec.model)
        argv = ["trtllm-serve", spec.model, "--host", spec.host, "--port", str(spec.port)]
        argv += ["--backend", "tensorrt" if engine else "pytorch"]
        if engine:
            argv += ["--tokenizer", spec.model]
        if spec.gpus and spec.gpus > 1:
            argv += ["--tp_size", str(spec.gpus)]
        return argv + list(spec.extra_args)

    def health_path(self) -> str:
        """trtllm-serve answers /health once the executor is ready."""
        return "/health"


register_server_type(TrtllmServer())

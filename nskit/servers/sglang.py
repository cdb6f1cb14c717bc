"""SGLang's OpenAI-compatible server (`python -m sglang.launch_server`); NVIDIA GPUs only."""

from __future__ import annotations

from dataclasses import dataclass

from nskit.errors import UserError
from nskit.servers.base import LaunchSpec, register_server_type


@dataclass(frozen=True)
class SGLangServer:
    """Serves a Hugging Face folder or hub name under its own path (SGLang's default served model name).

    Flags as `sglang/srt/server_args.py` spells them: `--model-path`, `--host`, `--port`, `--tp-size`. Stopped like
    every launched server: SIGTERM to its process group (the scheduler and detokenizer processes it forks), then
    SIGKILL after a grace period. Environment: the cluster config's `servers.sglang.env_vars`.
    """

    name: str = "sglang"
    launches_process: bool = True
    needs_gpu: bool = True

    def command(self, spec: LaunchSpec, python: str) -> list[str]:
        """SGLang argv: tensor parallel over the node's GPUs; `--server_args` are appended verbatim."""
        if spec.nodes > 1:
            raise UserError("--server_type sglang serves on one node in nskit (use --server_replicas for more "
                            "throughput, or vllm for a model that needs several nodes)")
        argv = [python, "-m", "sglang.launch_server", "--model-path", spec.model]
        argv += ["--host", spec.host, "--port", str(spec.port)]
        if spec.gpus and spec.gpus > 1:
            argv += ["--tp-size", str(spec.gpus)]
        return argv + list(spec.extra_args)

    def health_path(self) -> str:
        """SGLang answers /health once the tokenizer manager and the scheduler are up."""
        return "/health"


register_server_type(SGLangServer())

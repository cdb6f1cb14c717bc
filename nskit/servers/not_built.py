"""Server types NeMo-Skills users name that nskit knows but cannot start yet: TensorRT-LLM and SGLang.

They are in the registry so that `--server_type=trtllm` (after `ns convert --convert_to=trtllm`) and
`--server_type=sglang` are recognised: with `--server_address` nskit talks to such a server that already runs
(both speak the OpenAI API); asked to start one, it stops before anything runs with `unavailable` as the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from nskit.servers.base import LaunchSpec, register_server_type


@dataclass(frozen=True)
class NotBuiltServer:
    """A known server type whose launcher is not built yet."""

    name: str
    engine: str
    launches_process: bool = True

    @property
    def unavailable(self) -> str:
        """Why nskit cannot start this server, and what works instead."""
        return (
            f"--server_type {self.name}: nskit cannot start a {self.engine} server yet (it needs a GPU build of "
            f"{self.engine}; planned). Use --server_type vllm (the local vLLM runs the same model), or start the "
            f"{self.engine} server yourself and pass its --server_address (OpenAI-compatible, no launch needed)."
        )

    def command(self, spec: LaunchSpec, python: str) -> list[str]:
        """Refuses with `unavailable` (callers check it first, before anything runs)."""
        raise ValueError(self.unavailable)

    def health_path(self) -> str:
        """Both engines serve the OpenAI model list."""
        return "/v1/models"


register_server_type(NotBuiltServer("trtllm", "TensorRT-LLM"))
register_server_type(NotBuiltServer("sglang", "SGLang"))

"""An OpenAI-compatible endpoint that already runs (OpenAI, a shared vLLM, any proxy): nothing to launch."""

from __future__ import annotations

from dataclasses import dataclass

from nskit.servers.base import LaunchSpec, register_server_type


@dataclass(frozen=True)
class ExistingEndpoint:
    """Reached at `--server_address` with the key from the environment (OPENAI_API_KEY)."""

    name: str = "openai"
    launches_process: bool = False
    needs_gpu: bool = False

    def command(self, spec: LaunchSpec, python: str) -> list[str]:
        """Never launched."""
        raise RuntimeError("server type 'openai' talks to an existing endpoint; give --server_address")

    def health_path(self) -> str:
        """Every OpenAI-compatible server lists its models."""
        return "/v1/models"


register_server_type(ExistingEndpoint())

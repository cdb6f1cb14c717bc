"""The server-type interface and its registry."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Protocol

from nskit.errors import UserError


@dataclass(frozen=True)
class LaunchSpec:
    """What it takes to start one server: which model, where, with how many GPUs and which extra flags."""

    model: str
    port: int
    host: str = "127.0.0.1"
    gpus: int | None = None
    nodes: int = 1
    extra_args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


class ServerType(Protocol):
    """A kind of OpenAI-compatible server."""

    name: str
    launches_process: bool
    """False for endpoints that already run somewhere (`openai`): nothing to start or stop."""
    needs_gpu: bool
    """True for servers that run on NVIDIA GPUs only (sglang, trtllm): starting one without a GPU is a clear error."""

    def command(self, spec: LaunchSpec, python: str) -> list[str]:
        """The argv that starts the server (not called when `launches_process` is False)."""
        ...

    def health_path(self) -> str:
        """Path polled until it answers 200."""
        ...


_MODULES = {
    "vllm": "nskit.servers.vllm",
    "openai": "nskit.servers.openai_api",
    "sglang": "nskit.servers.sglang",
    "trtllm": "nskit.servers.trtllm",
}
_REGISTRY: dict[str, ServerType] = {}


def register_server_type(server: ServerType) -> None:
    """Add a server type (plugins call this; built-ins are registered lazily by module)."""
    _REGISTRY[server.name] = server


def server_types() -> list[str]:
    """Names of every known server type."""
    return sorted(set(_MODULES) | set(_REGISTRY))


def get_server_type(name: str) -> ServerType:
    """Look up a server type by name; an unknown name lists the known ones."""
    if name not in _REGISTRY and name in _MODULES:
        importlib.import_module(_MODULES[name])
    if name not in _REGISTRY:
        raise UserError(f"unknown server type {name!r}; known: {', '.join(server_types())}")
    return _REGISTRY[name]

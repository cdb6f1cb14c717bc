"""The one way a server is requested and launched, for every command, executor and Slurm task.

`server_request` merges what the cluster config says about a server type (its flags, its environment and the
cluster's own environment, its health timeout) with what the user asked; `launch_server` turns such a request into
a `ServerProcess` on a port. Both executors, `ns start_server`, `ns llm_math_judge` and the Slurm server task go
through these two functions.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nskit.config.cluster import ClusterConfig
from nskit.proc import free_port
from nskit.servers.base import LaunchSpec, check_launchable, get_server_type
from nskit.servers.process import ServerProcess


@dataclass
class ServerRequest:
    """A server to start: type, model, resources, flags and environment (serializable: it travels to Slurm)."""

    server_type: str
    model: str
    gpus: int | None = None
    nodes: int = 1
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    health_timeout: float = 900.0


def server_request(
    server_type: str,
    model: str,
    cluster: ClusterConfig,
    *,
    gpus: int | None = None,
    nodes: int = 1,
    extra_args: Sequence[str] = (),
) -> ServerRequest:
    """The request for `server_type` serving `model` on `cluster`: the config's launch flags, then `extra_args`."""
    check_launchable(server_type)  # an unknown type lists the known ones; trtllm/sglang say what to do instead
    launch = cluster.server_launch(server_type)
    return ServerRequest(
        server_type=server_type, model=model, gpus=gpus, nodes=nodes, args=[*launch.args, *extra_args],
        env=launch.environment(), health_timeout=launch.health_timeout,
    )


def launch_server(
    request: ServerRequest,
    log_path: Path,
    *,
    port: int | None = None,
    base_env: dict[str, str] | None = None,
    python: str = sys.executable,
) -> ServerProcess:
    """A (not yet started) server process for `request` on `port` (default: a free one).

    `base_env` (the cluster's environment) comes first, the server type's own variables override it.
    """
    spec = LaunchSpec(
        model=request.model, port=port or free_port(), gpus=request.gpus, nodes=request.nodes,
        extra_args=tuple(request.args), env={**(base_env or {}), **request.env},
    )
    return ServerProcess(get_server_type(request.server_type), spec, log_path, health_timeout=request.health_timeout,
                         python=python)


def start_cluster_server(
    server_type: str,
    model: str,
    cluster: ClusterConfig,
    log_path: Path,
    *,
    gpus: int | None = None,
    nodes: int = 1,
    extra_args: Sequence[str] = (),
    port: int | None = None,
) -> ServerProcess:
    """`launch_server` of `server_request` with the cluster's environment: a server for an interactive command."""
    request = server_request(server_type, model, cluster, gpus=gpus, nodes=nodes, extra_args=extra_args)
    return launch_server(request, log_path, port=port, base_env=cluster.environment())

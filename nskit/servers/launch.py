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
from nskit.errors import UserError
from nskit.proc import free_port
from nskit.servers.base import LaunchSpec, get_server_type
from nskit.servers.process import ServerProcess
from nskit.servers.replicas import ServerGroup, replica_gpus, replica_log


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
    replicas: int = 1
    """Independent servers of the same model (`--server_replicas`); the client spreads requests over them."""


def server_request(
    server_type: str,
    model: str,
    cluster: ClusterConfig,
    *,
    gpus: int | None = None,
    nodes: int = 1,
    extra_args: Sequence[str] = (),
    replicas: int = 1,
) -> ServerRequest:
    """The request for `server_type` serving `model` on `cluster`: the config's launch flags, then `extra_args`."""
    get_server_type(server_type)  # an unknown type lists the known ones
    if replicas < 1:
        raise UserError(f"--server_replicas must be at least 1, got {replicas}")
    if replicas > 1 and nodes > 1:
        raise UserError("--server_replicas > 1 with --server_nodes > 1 is not supported: replicas of one-node servers")
    launch = cluster.server_launch(server_type)
    return ServerRequest(
        server_type=server_type, model=model, gpus=gpus, nodes=nodes, args=[*launch.args, *extra_args],
        env=launch.environment(), health_timeout=launch.health_timeout, replicas=replicas,
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


def launch_replicas(
    request: ServerRequest, log_path: Path, *, base_env: dict[str, str] | None = None
) -> ServerProcess | ServerGroup:
    """`launch_server` for one replica; a ServerGroup of `request.replicas` servers on free ports, each with its
    own log and GPU slice, for more."""
    if request.replicas == 1:
        return launch_server(request, log_path, base_env=base_env)
    servers = []
    for index in range(request.replicas):
        env = {**(base_env or {}), **replica_gpus(index, request.gpus)}
        servers.append(launch_server(request, replica_log(log_path, index), base_env=env))
    return ServerGroup(servers)


def server_command_line(request: ServerRequest, port: str = "<port>", python: str = sys.executable) -> list[str]:
    """The argv `launch_server` runs for `request`, with `port` shown in place of the port it picks (--dry_run);
    empty for a server type that launches nothing."""
    server_type = get_server_type(request.server_type)
    if not server_type.launches_process:
        return []
    spec = LaunchSpec(model=request.model, port=0, gpus=request.gpus, nodes=request.nodes,
                      extra_args=tuple(request.args))
    argv = server_type.command(spec, python)
    return [port if before == "--port" else arg for before, arg in zip(["", *argv], argv)]


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

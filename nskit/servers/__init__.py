"""Model servers: how each server type is launched and reached. A registry: one module per type."""

from nskit.servers.base import (
    LaunchSpec,
    ServerType,
    get_server_type,
    register_server_type,
    server_types,
)
from nskit.servers.process import ServerError, ServerProcess

__all__ = [
    "LaunchSpec",
    "ServerError",
    "ServerProcess",
    "ServerType",
    "get_server_type",
    "register_server_type",
    "server_types",
]

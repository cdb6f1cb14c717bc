"""The bottom layer for child processes: each in its own process group, dying with `ns`, torn down as a whole.

Used by the executors (steps), the servers and the sandbox service alike; imports nothing else from nskit.
"""

from nskit.proc.group import start_in_group, stop_group, terminate_on_sigterm
from nskit.proc.logs import log_tail
from nskit.proc.net import free_port, is_healthy
from nskit.proc.spawn import spawn_supervised, stop_supervised
from nskit.proc.pdeath import set_parent_death_signal

__all__ = [
    "free_port",
    "is_healthy",
    "log_tail",
    "set_parent_death_signal",
    "spawn_supervised",
    "start_in_group",
    "stop_group",
    "stop_supervised",
    "terminate_on_sigterm",
]

"""Limits and settings of the sandbox service (one frozen dataclass, validated on construction)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields

MIB = 1024 * 1024
READY_PREFIX = "nskit-sandbox: listening on "
"""The service prints this, then its URL, on stdout once it serves (SandboxProcess waits for it)."""


@dataclass(frozen=True)
class SandboxConfig:
    """Everything that shapes how a snippet runs. Defaults suit math tool-use snippets on a small machine."""

    workers: int = max(2, 2 * (os.cpu_count() or 1))
    """How many snippets execute at the same time; more requests wait in line."""
    default_timeout: float = 10.0
    """Wall-time limit (s) of a snippet when the request names none; also its CPU-time limit."""
    max_timeout: float = 120.0
    """Largest wall-time limit a request may ask for."""
    memory_mb: int = 2048
    """Address-space limit (RLIMIT_AS) of every process in the sandbox."""
    max_processes: int = 64
    """RLIMIT_NPROC of the sandbox's own uid (each live sandbox gets a uid of its own)."""
    output_limit_bytes: int = 1 * MIB
    """stdout + stderr bytes a snippet may write before it is killed with status output_limit."""
    tmpfs_mb: int = 64
    """Size of the private /tmp (the working directory) and /dev/shm; also the largest file (RLIMIT_FSIZE)."""
    max_open_files: int = 256
    traceback_lines: int = 4
    """Lines of the traceback kept in ``stderr`` (ToRA shows the model only the end of a traceback)."""
    max_sessions: int = 64
    """Live stateful sessions; beyond this the least recently used idle session is closed."""
    session_idle_seconds: float = 600.0
    """A session unused for this long is closed (its interpreter killed)."""
    session_cpu_seconds: int = 600
    """Total CPU seconds one session's interpreter may use over all its snippets."""
    uid_base: int | None = None
    """First of the uids the sandboxes run as; none may belong to a real user of the machine. None: the service
    picks a block (from 3,000,000 up) that no running process uses, so two services never share uids."""
    python: str = sys.executable
    """Interpreter run inside the sandbox; its prefix and base prefix are bound read-only."""
    extra_ro_binds: tuple[str, ...] = field(default_factory=tuple)
    """More host paths bound read-only at the same place (e.g. a data directory snippets may read)."""

    def __post_init__(self) -> None:
        positive = ("workers", "default_timeout", "max_timeout", "memory_mb", "max_processes",
                    "output_limit_bytes", "tmpfs_mb", "max_open_files", "max_sessions", "session_idle_seconds",
                    "session_cpu_seconds")
        for name in positive:
            if getattr(self, name) <= 0:
                raise ValueError(f"sandbox config: {name} must be positive, got {getattr(self, name)!r}")
        if self.traceback_lines < 1:
            raise ValueError(f"sandbox config: traceback_lines must be >= 1, got {self.traceback_lines}")
        if self.default_timeout > self.max_timeout:
            raise ValueError(f"sandbox config: default_timeout {self.default_timeout} > max_timeout {self.max_timeout}")
        if self.uid_base is not None and not 1000 <= self.uid_base <= 2**32 - 2 - self.uid_pool_size:
            raise ValueError(f"sandbox config: uid_base {self.uid_base} out of range")

    @property
    def uid_pool_size(self) -> int:
        """Enough uids for every worker and session, with slack so a freed uid rests before reuse."""
        return 2 * (self.workers + self.max_sessions) + 8

    def timeout_for(self, requested: float | None) -> float:
        """The wall-time limit for a request: its own (checked against max_timeout) or the default."""
        if requested is None:
            return self.default_timeout
        if not 0 < requested <= self.max_timeout:
            raise ValueError(f"timeout must be in (0, {self.max_timeout}] seconds, got {requested}")
        return float(requested)

"""Run a model server as a supervised child process: start, wait for health, always tear down."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from types import TracebackType

from nskit.errors import UserError
from nskit.proc import is_healthy, log_tail, spawn_supervised, stop_supervised
from nskit.servers.base import LaunchSpec, ServerType


class ServerError(RuntimeError):
    """The server did not come up (exited, or not healthy in time); the message carries its log tail."""


class GpuRequired(UserError):
    """A GPU-only server type (sglang, trtllm) asked to start on a machine without an NVIDIA GPU."""


def require_gpu(server_type: ServerType, argv: list[str] | None = None) -> None:
    """Raise GpuRequired when `server_type` needs an NVIDIA GPU and this machine has none."""
    from nskit.models.default import has_gpu

    if getattr(server_type, "needs_gpu", False) and not has_gpu():
        shown = f" (it would run: {' '.join(argv)})" if argv else ""
        raise GpuRequired(f"server type {server_type.name!r} needs an NVIDIA GPU and this machine has none{shown}; "
                          f"--dry_run prints the command lines, --cluster runs them on a GPU cluster")


class ServerProcess:
    """A server started for the duration of a `with` block (or `start()` ... `stop()`)."""

    def __init__(
        self,
        server_type: ServerType,
        spec: LaunchSpec,
        log_path: Path,
        health_timeout: float = 900.0,
        python: str = sys.executable,
    ) -> None:
        self.server_type = server_type
        self.spec = spec
        self.log_path = log_path
        self.health_timeout = health_timeout
        self.python = python
        self._process = None

    @property
    def base_url(self) -> str:
        """The OpenAI API root of this server."""
        return f"http://{self.spec.host}:{self.spec.port}/v1"

    @property
    def pid(self) -> int | None:
        """Pid of the supervisor (the process group leader), once started."""
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        """Whether the server process (its supervisor) is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Launch and block until healthy; on failure the process is torn down and ServerError raised."""
        argv = self.server_type.command(self.spec, self.python)
        require_gpu(self.server_type, argv)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "a", encoding="utf-8") as log:
            derived = " ".join(f"{k}={v}" for k, v in self.environment().items() if k.startswith("VLLM_CPU_"))
            log.write(f"$ {derived + ' ' if derived else ''}{' '.join(argv)}\n")
        self._process = spawn_supervised(argv, self.log_path, env=self.environment())
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise

    def environment(self) -> dict[str, str]:
        """Variables set for the server: those its type derives at launch (a server type may define
        `launch_environment(spec)`, e.g. vLLM's CPU binding), then the spec's own, which win."""
        derive = getattr(self.server_type, "launch_environment", None)
        return {**(derive(self.spec) if derive is not None else {}), **self.spec.env}

    def _wait_healthy(self) -> None:
        url = f"http://{self.spec.host}:{self.spec.port}{self.server_type.health_path()}"
        deadline = time.monotonic() + self.health_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ServerError(
                    f"{self.server_type.name} server exited with code {self._process.returncode} before it was "
                    f"healthy; log {self.log_path}:\n{log_tail(self.log_path)}"
                )
            if is_healthy(url):
                return
            time.sleep(1.0)
        raise ServerError(
            f"{self.server_type.name} server not healthy at {url} after {self.health_timeout:.0f} s; "
            f"log {self.log_path}:\n{log_tail(self.log_path)}"
        )

    def stop(self) -> None:
        """Terminate the server and everything it started (idempotent)."""
        if self._process is not None:
            stop_supervised(self._process)
            self._process = None

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

"""Start and stop the service as a child process: ``with SandboxProcess() as sb: use sb.base_url``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import IO, Self

from nskit.proc import log_tail, start_in_group, stop_group
from nskit.sandbox.config import READY_PREFIX


class SandboxStartError(RuntimeError):
    """The service did not come up; the message carries the tail of its log."""


class SandboxProcess:
    """The sandbox service as a child process in its own process group, torn down on exit whatever happens.

    ``port=0`` lets the service pick a free port; ``base_url`` is known after start. ``args`` are extra flags of
    ``ns sandbox`` (e.g. ``["--workers", "8"]``). The service's log goes to ``log_path``
    (a temporary file by default). ``env`` adds to the service's environment (snippets never see it).
    Start it from the main thread: the child is told to exit when the thread that started it ends
    (PR_SET_PDEATHSIG), which is what keeps it from outliving a killed parent.
    """

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        args: Sequence[str] = (),
        *,
        python: str = sys.executable,
        startup_timeout: float = 60.0,
        log_path: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.host, self.port, self.args = host, port, list(args)
        self.python, self.startup_timeout = python, startup_timeout
        self.log_path = log_path
        self.env = None if env is None else {**os.environ, **env}
        self.base_url = ""
        self._proc: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None

    @property
    def pid(self) -> int:
        """The service's process id (started services only)."""
        if self._proc is None:
            raise RuntimeError("SandboxProcess not started")
        return self._proc.pid

    def start(self) -> Self:
        """Launch, wait for the ready line and a healthy /health; SandboxStartError with the log otherwise."""
        if self.log_path is None:
            handle, self.log_path = tempfile.mkstemp(prefix="nskit-sandbox-", suffix=".log")
            os.close(handle)
        self._log = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115 - the child writes it until stop()
        argv = [self.python, "-m", "nskit", "sandbox", "--host", self.host, "--port", str(self.port), *self.args]
        # PDEATHSIG gives the service SIGTERM when we die; it then kills its sandboxes.
        self._proc = start_in_group(argv, stdout=subprocess.PIPE, stderr=self._log, text=True, env=self.env)
        try:
            self.base_url = self._wait_ready()
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> str:
        """Read the service's stdout until the ready line (in a thread, so the deadline holds)."""
        assert self._proc is not None and self._proc.stdout is not None
        found: list[str] = []
        stdout = self._proc.stdout

        def read() -> None:
            for line in stdout:
                if line.startswith(READY_PREFIX):
                    found.append(line[len(READY_PREFIX):].strip())
                    break
            # Keep draining so the service never blocks on a full stdout pipe.
            for _ in stdout:
                pass

        threading.Thread(target=read, name="sandbox-stdout", daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while not found:
            if self._proc.poll() is not None:
                raise SandboxStartError(f"sandbox service exited with code {self._proc.returncode}: {self._log_tail()}")
            if time.monotonic() > deadline:
                raise SandboxStartError(f"sandbox service not ready after {self.startup_timeout} s: {self._log_tail()}")
            time.sleep(0.02)
        return found[0]

    def _wait_healthy(self) -> None:
        with urllib.request.urlopen(f"{self.base_url}/health", timeout=10) as response:
            body = json.loads(response.read())
        if body.get("status") != "ok":
            raise SandboxStartError(f"sandbox /health answered {body}")

    def _log_tail(self) -> str:
        return log_tail(self.log_path)

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the service's process group, SIGKILL after ``grace`` seconds; idempotent."""
        if self._proc is not None:
            stop_group(self._proc, grace)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

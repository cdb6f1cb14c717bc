"""Helpers of the sandbox tests: the running service, its secrets, recovery timing, leftover processes."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nskit.sandbox import ExecutionResult, SandboxClient

RECOVERY_TIMES: list[tuple[str, float]] = []
SERVICE_ARGS = ["--default-timeout", "3", "--max-timeout", "30", "--memory-mb", "1024", "--workers", "4",
                "--max-processes", "32", "--output-limit-bytes", "65536"]


def require_bwrap() -> None:
    """Skip (fail in CI) when bubblewrap is not installed: these tests need the real thing."""
    if shutil.which("bwrap") is None:
        message = "bubblewrap (bwrap) is not installed; run .ci/install_sandbox.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class Service:
    """A running sandbox service and the secrets its parent environment holds."""

    base_url: str
    pid: int
    home: Path
    key_text: str
    secret_env: dict[str, str]
    uid_range: tuple[int, int] = field(default=(0, 0))

    def run(self, code: str, session_id: str | None = None, timeout: float | None = None) -> ExecutionResult:
        """Execute one snippet through a fresh client."""
        return asyncio.run(_execute(self.base_url, code, session_id, timeout))

    def alive(self) -> bool:
        """The service process exists and answers /health."""
        if not Path(f"/proc/{self.pid}").exists():
            return False
        return asyncio.run(health(self.base_url)).get("status") == "ok"

    def recover(self, label: str) -> float:
        """Time until a trivial snippet succeeds again; recorded and printed in the summary."""
        started = time.monotonic()
        result = self.run("print('alive')")
        elapsed = time.monotonic() - started
        assert result.status == "ok" and result.stdout == "alive\n", result
        assert self.alive()
        RECOVERY_TIMES.append((label, elapsed))
        print(f"recovery after {label}: {elapsed * 1000:.0f} ms")
        return elapsed

    def leftover_processes(self) -> list[int]:
        """Host pids still running as one of the service's sandbox uids."""
        low, high = self.uid_range
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                status = Path(f"/proc/{entry}/status").read_text()
            except (FileNotFoundError, ProcessLookupError):
                continue  # ended while we looked
            uid_line = next(line for line in status.splitlines() if line.startswith("Uid:"))
            state = next(line for line in status.splitlines() if line.startswith("State:"))
            if low <= int(uid_line.split()[1]) < high and " Z " not in state + " ":
                found.append(int(entry))
        return found

    def wait_no_leftovers(self, seconds: float = 5.0) -> list[int]:
        """Poll until no sandbox process is left (the kernel tears a pid namespace down asynchronously)."""
        deadline = time.monotonic() + seconds
        while (left := self.leftover_processes()) and time.monotonic() < deadline:
            time.sleep(0.05)
        return left


async def _execute(base_url: str, code: str, session_id: str | None, timeout: float | None) -> ExecutionResult:
    async with SandboxClient(base_url) as client:
        return await client.execute(code, session_id=session_id, timeout=timeout)


async def health(base_url: str) -> dict[str, object]:
    async with SandboxClient(base_url) as client:
        return await client.health()

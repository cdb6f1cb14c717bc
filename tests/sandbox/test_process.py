"""Starting and stopping the service: missing bubblewrap, teardown, no orphans after the parent is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sandbox_service import require_bwrap

from nskit.sandbox import SandboxProcess, SandboxStartError


def _pid_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _wait_dead(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _pid_alive(pid)


def test_missing_bubblewrap_is_a_clear_error_never_a_fallback(tmp_path: Path) -> None:
    # A PATH with python but without bwrap: the service must refuse to start.
    env = {**os.environ, "PATH": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "nskit", "sandbox", "--port", "0"], env=env, capture_output=True, text=True, check=False,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "bubblewrap" in proc.stderr and "apt-get install bubblewrap" in proc.stderr
    assert "listening" not in proc.stdout


def test_sandbox_process_reports_why_it_could_not_start(tmp_path: Path) -> None:
    with pytest.raises(SandboxStartError, match="bubblewrap"):
        SandboxProcess(env={"PATH": str(tmp_path)}, startup_timeout=60).start()


@pytest.mark.sandbox
def test_context_manager_tears_everything_down() -> None:
    require_bwrap()
    with SandboxProcess(args=["--default-timeout", "30"]) as process:
        pid = process.pid
        assert _pid_alive(pid)
    assert _wait_dead(pid, 1.0), "service outlived its context manager"


@pytest.mark.sandbox
def test_service_and_sandboxes_die_with_a_killed_parent(tmp_path: Path) -> None:
    """kill -9 of the process that started the service: the service and its running snippets go too."""
    require_bwrap()
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent("""
        import asyncio, sys, time
        from nskit.sandbox import SandboxClient, SandboxProcess

        process = SandboxProcess(args=["--max-timeout", "120"]).start()
        print(process.pid, flush=True)

        async def hang():
            async with SandboxClient(process.base_url) as client:
                await client.execute("import time\\nprint('sleeping', flush=True)\\ntime.sleep(120)", timeout=120)

        asyncio.run(hang())
    """))
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[2])
    assert parent.stdout is not None
    service_pid = int(parent.stdout.readline())
    deadline = time.monotonic() + 30
    sandboxes: list[int] = []
    while not sandboxes and time.monotonic() < deadline:
        sandboxes = [int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(int(p)) == service_pid]
        time.sleep(0.1)
    assert sandboxes, "the snippet's sandbox never started"
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    assert _wait_dead(service_pid), "service survived the death of its parent"
    assert all(_wait_dead(pid) for pid in sandboxes), "a sandbox survived the death of the service"


def _ppid(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except FileNotFoundError:
        return -1


# Running as a user other than root is the rootless mode now: tests/sandbox/test_rootless.py.

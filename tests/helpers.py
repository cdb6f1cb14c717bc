"""Shared test helpers: running `ns` as a subprocess and finding processes it left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]


def ns(*args: str, env: dict[str, str] | None = None, timeout: float = 900, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python -m nskit ARGS` to completion, capturing output."""
    return subprocess.run(
        [sys.executable, "-m", "nskit", *args], capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})}, cwd=cwd or REPO,
    )


def ns_background(*args: str, env: dict[str, str] | None = None, log: Path | None = None) -> subprocess.Popen:
    """Start `python -m nskit ARGS` without waiting; output to `log` (or discarded)."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed by the child's exit
    return subprocess.Popen([sys.executable, "-m", "nskit", *args], stdout=out, stderr=subprocess.STDOUT,
                            env={**os.environ, **(env or {})}, cwd=REPO)


def wait_for(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.5) -> None:
    """Poll `condition` until true; fail the test naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def new_processes(before: set[int], needle: tuple[str, ...] = ("vllm", "nskit", "multiprocessing")) -> list[str]:
    """Processes alive now, absent from `before`, whose command line mentions one of `needle` (not zombies)."""
    me = os.getpid()
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "status"]):
        if proc.info["pid"] in before or proc.info["pid"] == me or proc.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        cmdline = " ".join(proc.info["cmdline"] or [])
        if any(n in cmdline for n in needle):
            found.append(f"{proc.info['pid']}: {cmdline[:200]}")
    return found

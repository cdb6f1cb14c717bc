"""Supervised children: a process tree started under `proc.supervise`, so that none of it outlives `ns`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from nskit.proc.group import start_in_group


def spawn_supervised(
    argv: Sequence[str],
    log_path: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    grace: float = 20.0,
    pipe_output: bool = False,
) -> subprocess.Popen:
    """Start `argv` under `nskit.proc.supervise` in a new session.

    Output goes to `log_path`, or to a pipe (`pipe_output`, stdout and stderr merged), or is inherited.

    The returned process is the supervisor; `stop_supervised` ends it and the whole tree below it.
    """
    command = [sys.executable, "-m", "nskit.proc.supervise", str(grace), "--", *argv]
    full_env = {**os.environ, **(env or {})}
    stdout = subprocess.PIPE if pipe_output else None
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        stdout = open(log_path, "ab", buffering=0)  # noqa: SIM115 - the child owns it for its lifetime
    try:
        return start_in_group(command, stdout=stdout, stderr=subprocess.STDOUT if stdout is not None else None,
                              env=full_env, cwd=cwd)  # the supervisor itself dies with us
    finally:
        if log_path is not None:
            stdout.close()


def stop_supervised(process: subprocess.Popen, grace: float = 20.0) -> int:
    """Terminate a supervised tree: SIGTERM to the supervisor, SIGKILL to the group if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace + 10)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # the group is already gone: the normal case
    deadline = time.monotonic() + 5
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    return process.returncode if process.returncode is not None else -9

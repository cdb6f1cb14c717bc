"""A child in its own process group that gets SIGTERM when `ns` dies, and its teardown."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import IO, Any

from nskit.proc.pdeath import set_parent_death_signal


def start_in_group(
    argv: Sequence[str],
    *,
    stdout: int | IO[Any] | None = None,
    stderr: int | IO[Any] | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    text: bool = False,
) -> subprocess.Popen:
    """Start `argv` as the leader of a new session; the kernel sends it SIGTERM when this thread's process dies.

    Start it from the main thread: PR_SET_PDEATHSIG fires when the thread that forked it ends.
    """
    return subprocess.Popen(
        list(argv), stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, env=None if env is None else dict(env),
        cwd=cwd, text=text, start_new_session=True,
        preexec_fn=set_parent_death_signal,  # noqa: PLW1509 - prctl only, takes no locks
    )


def stop_group(process: subprocess.Popen, grace: float = 10.0) -> int | None:
    """SIGTERM the child's process group, SIGKILL it after `grace` seconds; idempotent. Returns the exit code."""
    if process.poll() is None:
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _signal_group(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode


def _signal_group(group: int, sig: int) -> None:
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        pass  # the group is already gone, which is what we want


def terminate_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so that `finally` blocks tear servers and steps down."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)

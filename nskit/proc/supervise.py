"""A tiny supervisor that makes a child process tree die with `ns`, even after `kill -9` of `ns`.

Run as `python -m nskit.proc.supervise GRACE -- argv...` in a new session. The kernel sends it SIGTERM when
its parent dies (PR_SET_PDEATHSIG); on SIGTERM/SIGINT/SIGHUP, or when its own child exits, it terminates the
whole process group (the server and every process the server started), escalating to SIGKILL after GRACE
seconds, and exits with the child's status.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from nskit.proc.pdeath import set_parent_death_signal


def _kill_group(grace: float) -> None:
    group = os.getpgrp()
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.killpg(group, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and _group_has_others(group):
        time.sleep(0.2)
    if _group_has_others(group):
        # SIGKILL reaches this process too: that is fine, nothing is left to do after it.
        os.killpg(group, signal.SIGKILL)


def _group_has_others(group: int) -> bool:
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # the process exited while we looked: exactly what we wait for
        if int(fields[2]) == group and fields[0] != "Z":
            return True
    return False


def main(argv: list[str]) -> int:
    """Entry point: `GRACE -- command...`."""
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m nskit.proc.supervise GRACE -- command [args...]", file=sys.stderr)
        return 2
    grace = float(argv[0])
    set_parent_death_signal(signal.SIGTERM)
    if os.getppid() == 1:  # the parent died before prctl took effect
        return 1
    stop = {"signal": 0}

    def on_signal(signum: int, _frame: object) -> None:
        stop["signal"] = signum

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    child = subprocess.Popen(argv[2:])
    while child.poll() is None and not stop["signal"]:
        time.sleep(0.2)
    _kill_group(grace)
    code = child.wait()
    return 128 + stop["signal"] if stop["signal"] else code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

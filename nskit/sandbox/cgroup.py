"""Memory caps per sandbox, not only per process: one memory cgroup per live sandbox, when the machine allows it.

RLIMIT_AS caps each process; a snippet that forks many processes could still use `processes x memory_mb`. A
cgroup caps their sum. The service creates `nskit-sandbox-<pid>/` under its own memory cgroup (cgroup v1
`memory` controller, or v2 with `memory` in the parent's `cgroup.subtree_control`), one child per live sandbox with
the limit `memory_mb`, and moves every process of the sandbox into it before its first snippet; a process past the
limit is killed by the kernel (status `killed`). Where no cgroup can be created (not root, read-only cgroupfs) the
service says so at start-up and keeps the per-process limit only. A service killed with SIGKILL cannot remove its
cgroups; the next service started under the same parent removes them.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

CGROUP_ROOT = Path("/sys/fs/cgroup")


def _own_path(controller_line_match: str) -> str | None:
    """This process's cgroup path for a controller (`memory`) or v2 (`""`), from /proc/self/cgroup."""
    with open("/proc/self/cgroup", encoding="ascii") as handle:
        for line in handle:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            if controllers.split(",") == [controller_line_match] or (controllers == controller_line_match == ""):
                return path
    return None


class MemoryCgroups:
    """The parent cgroup of this service's sandboxes and the knob that caps memory (v1 or v2)."""

    def __init__(self, parent: Path, limit_file: str) -> None:
        self.parent = parent
        self.limit_file = limit_file
        self._leftover: set[Path] = set()

    @classmethod
    def detect(cls) -> tuple[MemoryCgroups | None, str]:
        """Create this service's parent cgroup; (None, the reason) when the machine does not let us."""
        candidates = []
        v1 = _own_path("memory")
        if v1 is not None and (CGROUP_ROOT / "memory").is_dir():
            own = CGROUP_ROOT / "memory" / v1.lstrip("/")
            candidates.append((own if own.is_dir() else CGROUP_ROOT / "memory", "memory.limit_in_bytes"))
        v2 = _own_path("")
        if v2 is not None and (CGROUP_ROOT / "cgroup.controllers").is_file():
            own = CGROUP_ROOT / v2.lstrip("/")
            subtree = own / "cgroup.subtree_control"
            if subtree.is_file() and "memory" in subtree.read_text().split():
                candidates.append((own, "memory.max"))
        if not candidates:
            return None, "no cgroup memory controller is available to this process"
        reasons = []
        for base, limit_file in candidates:
            _remove_stale(base)
            parent = base / f"nskit-sandbox-{os.getpid()}"
            try:
                parent.mkdir(exist_ok=True)
            except OSError as exc:
                reasons.append(f"cannot create {parent}: {exc.strerror}")
                continue
            return cls(parent, limit_file), f"memory capped per sandbox by the cgroup {parent}"
        return None, "; ".join(reasons)

    def attach(self, name: str, pid: int, limit_bytes: int) -> Path:
        """Create the cgroup `name` with `limit_bytes` and move `pid` and all its descendants into it."""
        cgroup = self.parent / name
        cgroup.mkdir(exist_ok=True)
        (cgroup / self.limit_file).write_text(str(limit_bytes))
        procs = cgroup / "cgroup.procs"
        pending = [pid]
        while pending:  # a parent is moved before its children are listed: later forks inherit the cgroup
            current = pending.pop()
            try:
                procs.write_text(str(current))
                pending += _children(current)
            except (ProcessLookupError, FileNotFoundError):
                continue  # it exited meanwhile: nothing to cap
        return cgroup

    def remove(self, cgroup: Path) -> None:
        """Remove a sandbox's cgroup once its processes are gone (retried later while the kernel still tears down)."""
        self._leftover.add(cgroup)
        for path in list(self._leftover):
            try:
                path.rmdir()
            except FileNotFoundError:
                pass
            except OSError:
                continue  # EBUSY: processes still exiting; the next removal or close retries
            self._leftover.discard(path)

    def close(self) -> None:
        """Remove every cgroup of this service (after all sandboxes were killed)."""
        for path in list(self._leftover):
            with contextlib.suppress(OSError):
                path.rmdir()
        try:
            self.parent.rmdir()
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("could not remove the sandbox cgroup %s: %s", self.parent, exc.strerror)


def _remove_stale(base: Path) -> None:
    """Remove the cgroups of services that are gone (killed with SIGKILL, they could not remove their own)."""
    for parent in base.glob("nskit-sandbox-*"):
        pid = parent.name.rpartition("-")[2]
        if not pid.isdigit() or Path(f"/proc/{pid}").exists():
            continue
        for path in [*(p for p in parent.iterdir() if p.is_dir()), parent]:
            try:
                path.rmdir()
            except OSError as exc:  # still holds processes: leave it to a later start
                log.info("stale sandbox cgroup %s not removed: %s", path, exc.strerror)
                break


def _children(pid: int) -> list[int]:
    """Direct children of `pid` (all its threads), from /proc."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found

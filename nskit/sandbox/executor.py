"""Runs snippets: a bounded number at a time, each in a fresh sandbox or in its session's long-lived one."""

from __future__ import annotations

import asyncio
import os
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field, replace
from pathlib import Path

from nskit.sandbox.bwrap import cpu_seconds_for
from nskit.sandbox.cgroup import MemoryCgroups
from nskit.sandbox.config import MIB, SandboxConfig
from nskit.sandbox.interpreter import SandboxedInterpreter
from nskit.sandbox.result import ExecutionResult

EXPIRED_MEMORY = 100_000


UID_SEARCH_START = 3_000_000


def uids_in_use() -> set[int]:
    """Real uids of the processes running on this machine now (from /proc)."""
    uids = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith("Uid:"):
                        uids.add(int(line.split()[1]))
                        break
        except (FileNotFoundError, ProcessLookupError):
            continue  # the process ended while we looked
    return uids


def pick_uid_base(size: int) -> int:
    """The first block of ``size`` uids above UID_SEARCH_START that no process uses (staggered by pid)."""
    busy = uids_in_use()
    blocks = (2**31 - UID_SEARCH_START) // size
    start = os.getpid() % 4096
    for step in range(blocks):
        base = UID_SEARCH_START + ((start + step) % blocks) * size
        if not any(base <= uid < base + size for uid in busy):
            return base
    raise RuntimeError(f"no free block of {size} uids for the sandbox")


class UidPool:
    """Unprivileged uids handed out one per live sandbox, so RLIMIT_NPROC counts only that sandbox's processes.

    Freed uids go to the back of the line: a uid is reused as late as possible, after its processes are long gone.
    """

    def __init__(self, base: int, size: int) -> None:
        self._free: deque[int] = deque(range(base, base + size))

    def acquire(self) -> int:
        """A uid no live sandbox uses."""
        if not self._free:
            raise RuntimeError("sandbox uid pool exhausted (more live sandboxes than workers + sessions)")
        return self._free.popleft()

    def release(self, uid: int) -> None:
        """Give ``uid`` back once its sandbox is dead."""
        self._free.append(uid)


@dataclass
class _Session:
    """A stateful session: one interpreter that keeps its variables between snippets."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    interpreter: SandboxedInterpreter | None = None
    last_used: float = field(default_factory=time.monotonic)
    has_run: bool = False


class Executor:
    """The service's engine. Create inside a running event loop; call ``shutdown`` to kill every sandbox."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        base = config.uid_base if config.uid_base is not None else pick_uid_base(config.uid_pool_size)
        self.uid_range = (base, base + config.uid_pool_size)
        self._uids = UidPool(base, config.uid_pool_size)
        self._slots = asyncio.Semaphore(config.workers)
        self._sessions: dict[str, _Session] = {}
        # Ids of sessions the service closed on its own (idle, evicted): their next snippet is told state was lost.
        self._expired: OrderedDict[str, None] = OrderedDict()
        self._live: set[SandboxedInterpreter] = set()
        self._running = 0
        self._closed = False
        self._disposals: set[asyncio.Task[None]] = set()
        self.executed = 0
        self._cgroups, self.memory_note = MemoryCgroups.detect()
        """Per-sandbox memory cgroups (None: RLIMIT_AS per process only; `memory_note` says why)."""
        self._cgroup_of: dict[SandboxedInterpreter, Path] = {}

    def stats(self) -> dict[str, object]:
        """Counters for the health endpoint."""
        return {
            "uid_range": list(self.uid_range),
            "workers": self.config.workers,
            "running": self._running,
            "sessions": len(self._sessions),
            "live_sandboxes": len(self._live),
            "executed": self.executed,
            "memory_cgroup": str(self._cgroups.parent) if self._cgroups else None,
            "memory_note": self.memory_note,
            "rootless_uid": os.geteuid() if os.geteuid() != 0 else None,
        }

    async def execute(self, code: str, session_id: str | None = None, timeout: float | None = None) -> ExecutionResult:
        """Run ``code`` (in session ``session_id`` when given) with wall-time limit ``timeout`` seconds."""
        wall = self.config.timeout_for(timeout)
        if self._closed:
            raise RuntimeError("the sandbox service is shutting down")
        if session_id is None:
            async with self._slots:
                return await self._run_once(code, wall)
        session = self._session(session_id)
        async with session.lock:
            session.last_used = time.monotonic()
            async with self._slots:
                result = await self._run_in_session(session, code, wall)
            session.last_used = time.monotonic()
            if self._sessions.get(session_id) is not session and session.interpreter is not None:
                # Evicted or closed while this snippet waited or ran: nobody will reach this interpreter again.
                await self._dispose(session.interpreter)
                session.interpreter = None
            return result

    async def _spawn(self, cpu_hard_seconds: int) -> SandboxedInterpreter:
        if self._closed:  # a request that waited for a slot while the service shut down
            raise RuntimeError("the sandbox service is shutting down")
        interpreter = SandboxedInterpreter(self.config, self._uids.acquire(), cpu_hard_seconds)
        self._live.add(interpreter)
        try:
            await interpreter.start()
            if self._cgroups is not None:
                self._cgroup_of[interpreter] = self._cgroups.attach(
                    f"uid-{interpreter.uid}", interpreter.pid, self.config.memory_mb * MIB
                )
        except BaseException:
            await self._dispose(interpreter)
            raise
        return interpreter

    async def _dispose(self, interpreter: SandboxedInterpreter) -> None:
        await interpreter.kill()
        cgroup = self._cgroup_of.pop(interpreter, None)
        if cgroup is not None and self._cgroups is not None:
            self._cgroups.remove(cgroup)
        if interpreter in self._live:
            self._live.discard(interpreter)
            self._uids.release(interpreter.uid)

    async def _run_once(self, code: str, wall: float) -> ExecutionResult:
        interpreter = await self._spawn(cpu_seconds_for(wall) + 1)
        self._running += 1
        try:
            return await interpreter.run(code, wall)
        finally:
            self._running -= 1
            self.executed += 1
            await self._dispose(interpreter)

    async def _run_in_session(self, session: _Session, code: str, wall: float) -> ExecutionResult:
        reset = False
        if session.interpreter is None or not session.interpreter.alive:
            if session.interpreter is not None:
                await self._dispose(session.interpreter)
            reset = session.has_run
            session.interpreter = await self._spawn(self.config.session_cpu_seconds)
        self._running += 1
        try:
            result = await session.interpreter.run(code, wall)
        finally:
            self._running -= 1
            self.executed += 1
        session.has_run = True
        if not session.interpreter.alive:
            await self._dispose(session.interpreter)
            session.interpreter = None
        return replace(result, session_reset=reset) if reset else result

    def _session(self, session_id: str) -> _Session:
        """The session named ``session_id``, created on first use (closing the oldest idle one if full)."""
        session = self._sessions.get(session_id)
        if session is None:
            if len(self._sessions) >= self.config.max_sessions:
                self._evict_one()
            was_expired = session_id in self._expired
            self._expired.pop(session_id, None)
            session = self._sessions[session_id] = _Session(has_run=was_expired)
        return session

    def _evict_one(self) -> None:
        idle = [(s.last_used, sid) for sid, s in self._sessions.items() if not s.lock.locked()]
        if not idle:
            raise RuntimeError(f"all {self.config.max_sessions} sandbox sessions are busy; raise max_sessions")
        _, victim = min(idle)
        session = self._sessions.pop(victim)
        self._mark_expired(victim)
        if session.interpreter is not None:
            self._disposals.add(asyncio.get_running_loop().create_task(self._dispose(session.interpreter)))
            self._disposals = {task for task in self._disposals if not task.done()}

    def _mark_expired(self, session_id: str) -> None:
        self._expired[session_id] = None
        while len(self._expired) > EXPIRED_MEMORY:
            self._expired.popitem(last=False)

    async def close_session(self, session_id: str) -> bool:
        """Kill the session's interpreter and forget it; False when there was no such session."""
        session = self._sessions.pop(session_id, None)
        if session is None:
            return False
        async with session.lock:
            if session.interpreter is not None:
                await self._dispose(session.interpreter)
                session.interpreter = None
        return True

    async def close_idle_sessions(self) -> int:
        """Close sessions unused for ``session_idle_seconds``; return how many."""
        cutoff = time.monotonic() - self.config.session_idle_seconds
        stale = [sid for sid, s in self._sessions.items() if s.last_used < cutoff and not s.lock.locked()]
        for sid in stale:
            await self.close_session(sid)
            self._mark_expired(sid)
        return len(stale)

    async def shutdown(self) -> None:
        """Kill every live sandbox (sessions included); later executions are refused."""
        self._closed = True
        self._sessions.clear()
        await asyncio.gather(*self._disposals, *(self._dispose(i) for i in list(self._live)))
        if self._cgroups is not None:
            self._cgroups.close()

"""A pool of grading worker processes with a per-task timeout enforced by killing the worker.

Each worker runs one task at a time, so a task that overruns its deadline is known exactly: its worker gets
SIGKILL and a fresh one takes its place (forked from a forkserver that has sympy already imported, so a
replacement costs milliseconds). No `signal.alarm`: this works from any thread and for any code the task runs.
Workers get an address-space limit so that a runaway computation fails with MemoryError instead of swapping.

Tasks are looked up by name in the `TASKS` dict of `nskit.grading.tasks` and of any extra task modules the pool
is given (dotted names, e.g. the tests' `tests.grading.pool_tasks`); the forkserver preloads them all.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

_TASKS_MODULE = "nskit.grading.tasks"
DEFAULT_MEMORY_LIMIT = 4 * 1024**3
_OK, _FAILED, _UNAVAILABLE = "ok", "failed", "unavailable"
"""Status of a worker's answer: the task's value, the task raised, or the worker cannot run the task at all."""


class TaskUnavailable(RuntimeError):
    """The workers cannot run the named task: no task module defines it, or a task module failed to load."""


@dataclass(frozen=True)
class Outcome:
    """The result of one task: `value` on success, else `error` (e.g. "timeout after 10 s") and `timed_out`."""

    value: Any = None
    error: str | None = None
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        """Whether the task finished without error."""
        return self.error is None


def _load_tasks(modules: Sequence[str]) -> dict[str, Callable[..., Any]]:
    """The merged `TASKS` of `modules`; a name defined twice is an error, not a silent override."""
    import importlib

    tasks: dict[str, Callable[..., Any]] = {}
    for module in modules:
        for name, task in importlib.import_module(module).TASKS.items():
            if name in tasks:
                raise ValueError(f"grading task {name!r} of {module} is already defined by an earlier task module")
            tasks[name] = task
    return tasks


def _worker_main(connection: Connection, memory_limit: int | None, modules: tuple[str, ...]) -> None:
    """Worker loop: receive (task id, task name, args), answer (task id, status, value or error text)."""
    import resource

    if memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    try:
        tasks, unavailable = _load_tasks(modules), None
    except Exception as exc:  # every task sent is answered with this; the parent raises it as TaskUnavailable
        tasks, unavailable = {}, f"the grading workers could not load {', '.join(modules)}: {type(exc).__name__}: {exc}"
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return
        if message is None:
            return
        task_id, name, args = message
        if unavailable is not None or name not in tasks:
            reply = (task_id, _UNAVAILABLE, unavailable or f"no grading task named {name!r} in {', '.join(modules)} "
                     f"(known: {', '.join(sorted(tasks))})")
        else:
            try:
                reply = (task_id, _OK, tasks[name](*args))
            except BaseException as exc:  # reported to the parent, which records it on the item
                reply = (task_id, _FAILED, f"{type(exc).__name__}: {str(exc)[:500]}")
        connection.send(reply)


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start children without re-importing the caller's `__main__`.

    multiprocessing re-runs the main script in every non-fork child, which breaks callers whose script calls
    `is_equal` at top level (no `if __name__ == "__main__"` guard). Workers only need `nskit`, so the main
    module's file and spec are hidden while a worker starts.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {key: main.__dict__[key] for key in ("__file__", "__spec__") if key in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


class _Worker:
    def __init__(self, context: Any, memory_limit: int | None, modules: tuple[str, ...]) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, memory_limit, modules), daemon=True)
        with _main_module_hidden():
            self.process.start()
        child.close()
        self.task: int | None = None
        self.deadline = 0.0
        self.timeout = 0.0

    def kill(self) -> None:
        """End the worker at once (a task ran past its deadline, or the worker is gone)."""
        self.process.kill()
        self.process.join(5)
        self.connection.close()

    def stop(self) -> None:
        """Ask the worker to exit; kill it if it has not within a second."""
        try:
            self.connection.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(1)
        if self.process.is_alive():
            self.kill()
        else:
            self.connection.close()


class WorkerPool:
    """Run named grading tasks (see `nskit.grading.tasks.TASKS`) on `workers` processes, each with a timeout.

    `task_modules`: dotted names of further modules whose `TASKS` dicts join the registry in the workers (the
    tests register their sleeping and crashing helpers this way). A name no module defines raises
    `TaskUnavailable` from `run`/`iter_run`.
    """

    def __init__(self, workers: int | None = None, memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
                 task_modules: Sequence[str] = ()) -> None:
        self.size = max(1, workers or os.cpu_count() or 1)
        self.memory_limit = memory_limit
        self.task_modules = (_TASKS_MODULE, *task_modules)
        self._context = multiprocessing.get_context("forkserver")
        # Takes effect when this process starts its forkserver; workers import whatever it did not preload.
        self._context.set_forkserver_preload(list(self.task_modules))
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self.replaced = 0

    def _ensure_workers(self, count: int) -> None:
        while len(self._workers) < count:
            self._workers.append(self._new_worker())

    def _new_worker(self) -> _Worker:
        return _Worker(self._context, self.memory_limit, self.task_modules)

    def run(
        self,
        name: str,
        arguments: Iterable[tuple],
        *,
        timeout: float,
        on_result: Callable[[int, Outcome], None] | None = None,
    ) -> list[Outcome]:
        """Run task `name` once per argument tuple; outcomes in input order (`on_result` sees them as they end)."""
        items = list(arguments)
        outcomes: list[Outcome | None] = [None] * len(items)
        for index, outcome in self.iter_run(name, items, timeout=timeout):
            outcomes[index] = outcome
            if on_result is not None:
                on_result(index, outcome)
        return [o if o is not None else Outcome(error="lost") for o in outcomes]

    def iter_run(self, name: str, items: list[tuple], *, timeout: float) -> Iterator[tuple[int, Outcome]]:
        """Yield (index, outcome) as tasks finish; a task past `timeout` seconds is killed and reported.

        Raises `TaskUnavailable` when the workers have no task `name` (or could not load their task modules).
        """
        with self._lock:
            yield from self._iter_run(name, items, timeout)

    def _iter_run(self, name: str, items: list[tuple], timeout: float) -> Iterator[tuple[int, Outcome]]:
        pending = deque(range(len(items)))
        self._ensure_workers(min(self.size, len(items)))
        idle = list(self._workers)
        busy: dict[Connection, _Worker] = {}
        try:
            while pending or busy:
                while pending and idle:
                    busy_worker = self._send(idle.pop(), pending.popleft(), name, items, timeout)
                    busy[busy_worker.connection] = busy_worker
                yield from self._collect(busy, idle)
        finally:
            # an abandoned run must not leave answers in flight that a later run would read as its own
            for worker in busy.values():
                self._replace(worker)

    def _send(self, worker: _Worker, index: int, name: str, items: list[tuple], timeout: float) -> _Worker:
        worker.task, worker.timeout = index, timeout
        worker.deadline = time.monotonic() + timeout
        try:
            worker.connection.send((index, name, items[index]))
        except (BrokenPipeError, OSError):
            worker = self._replace(worker)
            worker.task, worker.timeout, worker.deadline = index, timeout, time.monotonic() + timeout
            worker.connection.send((index, name, items[index]))
        return worker

    def _collect(self, busy: dict[Connection, _Worker], idle: list[_Worker]) -> Iterator[tuple[int, Outcome]]:
        """Wait for the next answer or deadline; yield what finished, replace workers that overran."""
        next_deadline = min(w.deadline for w in busy.values())
        ready = wait(list(busy), timeout=max(0.0, next_deadline - time.monotonic()))
        for connection in ready:
            worker = busy.pop(connection)  # type: ignore[arg-type]
            index = worker.task
            assert index is not None
            try:
                task_id, status, value = worker.connection.recv()
            except (EOFError, OSError):
                code = worker.process.exitcode
                yield index, Outcome(error=f"grading worker died (exit code {code})")
                idle.append(self._replace(worker))
                continue
            if status == _UNAVAILABLE:
                raise TaskUnavailable(value)
            idle.append(worker)
            yield task_id, Outcome(value=value) if status == _OK else Outcome(error=value)
        now = time.monotonic()
        for connection, worker in list(busy.items()):
            if worker.deadline <= now:
                del busy[connection]
                index = worker.task
                assert index is not None
                idle.append(self._replace(worker))
                yield index, Outcome(error=f"timeout after {_seconds(worker.timeout)} s", timed_out=True)

    def _replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        fresh = self._new_worker()
        self._workers[self._workers.index(worker)] = fresh
        self.replaced += 1
        return fresh

    def close(self) -> None:
        """Stop all workers."""
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _seconds(value: float) -> str:
    return f"{value:g}"


_shared: WorkerPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> WorkerPool:
    """The process-wide pool behind `is_equal` and `equivalence_classes` (all cores; started on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = WorkerPool()
            atexit.register(_shared.close)
        return _shared

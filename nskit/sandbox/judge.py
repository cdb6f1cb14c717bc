"""Grade code-benchmark output files in place: each generation's program runs with its tests in the sandbox.

Every file is read and checked first (each record needs `test_code`; bad input raises `RecordFileError` naming
file and line, and no file changes). Verdicts are appended to `<file>-grading` as they arrive, so a killed run
resumes where it stopped; when a file is complete it is replaced atomically. Fields written per record:
`predicted_answer` (the program run, None without code), `passed`, `status`, `execution_error`, `execution_time`.
When no sandbox address is given, a sandbox service is started for the run and stopped after it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nskit.grading.code import extract_code
from nskit.grading.files import expand_paths
from nskit.records import PartialOutput, Record, RecordFileError, read_jsonl
from nskit.records import schema as fields
from nskit.sandbox.verdict import NO_CODE, CodeVerdict

log = logging.getLogger(__name__)
TEST_FIELD = fields.TEST_CODE


@dataclass
class CodeGradeSummary:
    """Counts of one code-grading run, per verdict status."""

    files: int = 0
    records: int = 0
    resumed: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, verdict: CodeVerdict) -> None:
        """Count one verdict."""
        self.records += 1
        self.statuses[verdict.status] = self.statuses.get(verdict.status, 0) + 1

    def line(self) -> str:
        """One-line human summary."""
        passed = self.statuses.get("passed", 0)
        share = 100.0 * passed / self.records if self.records else 0.0
        rate = (self.records - self.resumed) / self.seconds if self.seconds else 0.0
        others = ", ".join(f"{count} {name}" for name, count in sorted(self.statuses.items()) if name != "passed")
        resumed = f", {self.resumed} kept from an interrupted run" if self.resumed else ""
        return (
            f"graded {self.records} records in {self.files} file(s) by running their tests: {passed} passed "
            f"({share:.2f}%){', ' + others if others else ''}{resumed}; {self.seconds:.1f} s ({rate:.1f} verdicts/s)"
        )


def describe_sandbox(health: dict[str, Any]) -> str:
    """One line on how the sandbox contains the programs (rootless or not, memory per sandbox or per process)."""
    mode = f"rootless (uid {health['rootless_uid']})" if health.get("rootless_uid") is not None else "root, a uid per sandbox"
    if health.get("memory_cgroup"):
        memory = "memory capped per sandbox (cgroup)"
    else:
        memory = f"memory is capped per process only: {health.get('memory_note') or 'no cgroup'}"
    return f"sandbox: {mode}; {memory}"


def default_concurrency() -> int:
    """Programs in flight: twice the cores, the sandbox service's own default number of workers.

    Starting a program in bubblewrap is mostly waiting on the kernel (namespaces, mounts, exec), so with only one
    program per core the cores sit idle part of the time; `bench/code_execution.py` measured 8.7 verdicts/s with 2
    in flight and 16 with 4 on 2 cores.
    """
    return 2 * (os.cpu_count() or 1)


def grading_store(path: Path, content: bytes, timeout: float) -> PartialOutput:
    """The resumable store of verdicts for one file, tied to the time limit and the file's exact content.

    Verdicts of an earlier version of the file (regenerated since) are dropped; another time limit is refused.
    """
    digest = hashlib.sha256(content).hexdigest()
    store = PartialOutput(path, {"judge": "code-execution", "timeout": timeout, "input_sha256": digest},
                          path=path.with_name(path.name + "-grading"))
    if store.meta_path.exists():
        try:
            stale = json.loads(store.meta_path.read_text(encoding="utf-8")).get("input_sha256") != digest
        except (UnicodeDecodeError, json.JSONDecodeError, AttributeError) as exc:
            raise RecordFileError(store.meta_path, None, f"unreadable settings sidecar ({exc}); delete it") from None
        if stale:
            log.info("%s changed since its grading was interrupted: grading it from the start", path)
            store.discard()
    return store


def _load(path: Path) -> list[Record]:
    records = read_jsonl(path, required=(TEST_FIELD,))
    for number, record in enumerate(records, start=1):
        generation = record.get(fields.GENERATION)
        if fields.GENERATION not in record or (generation is not None and not isinstance(generation, str)):
            raise RecordFileError(path, number, "a code record needs 'generation' text to grade")
        if not isinstance(record[TEST_FIELD], str):
            raise RecordFileError(path, number, f"'{TEST_FIELD}' is {type(record[TEST_FIELD]).__name__}, not text")
    return records


def apply_verdict(record: Record, program: str | None, verdict: CodeVerdict) -> Record:
    """`record` with the verdict fields set (older verdict fields replaced)."""
    return {
        **record,
        fields.PREDICTED_ANSWER: program,
        fields.PASSED: verdict.passed,
        fields.STATUS: verdict.status,
        fields.EXECUTION_ERROR: verdict.error,
        fields.EXECUTION_TIME: verdict.execution_time,
    }


def grade_code_files(
    paths: str | Path | Iterable[str | Path],
    *,
    sandbox_address: str | None = None,
    timeout: float = 10.0,
    workers: int | None = None,
) -> CodeGradeSummary:
    """Grade code output files in place (see the module docstring); `workers` programs in flight (2 x cores).

    Raises `SandboxError`/`SandboxStartError` when the sandbox cannot run programs; the verdicts so far are kept
    and the next run resumes from them.
    """
    started = time.monotonic()
    files = expand_paths(paths)
    loaded = {path: _load(path) for path in files}
    stores = {path: grading_store(path, path.read_bytes(), timeout) for path in files}
    concurrency = workers or default_concurrency()
    summary = CodeGradeSummary(files=len(files))
    with _sandbox(sandbox_address, concurrency) as address:
        asyncio.run(_grade_all(loaded, stores, address, timeout, concurrency, summary))
    summary.seconds = time.monotonic() - started
    return summary


@contextmanager
def _sandbox(address: str | None, workers: int):
    """The given sandbox address, or a service started for this run (stopped afterwards)."""
    if address is not None:
        yield address
        return
    from nskit.sandbox.process import SandboxProcess

    log.info("starting a sandbox service with %d workers for the execution judge", workers)
    with SandboxProcess(port=0, args=["--workers", str(workers), "--max-sessions", "1"]) as sandbox:
        yield sandbox.base_url


async def _grade_all(
    loaded: dict[Path, list[Record]],
    stores: dict[Path, PartialOutput],
    address: str,
    timeout: float,
    concurrency: int,
    summary: CodeGradeSummary,
) -> None:
    from nskit.sandbox.client import SandboxClient

    slots = asyncio.Semaphore(concurrency)
    async with SandboxClient(address, max_connections=concurrency) as client:
        health = await client.health()  # an unreachable sandbox fails here, before any verdict
        print(describe_sandbox(health), file=sys.stderr, flush=True)
        for path, records in loaded.items():
            store = stores[path]
            done = store.load()
            for position in done:
                summary.add(CodeVerdict.from_json({**done[position], "error": ""}))
            summary.resumed += len(done)
            store.open()
            try:
                pending = [p for p in range(len(records)) if p not in done]
                await asyncio.gather(*(_grade_one(client, slots, store, p, records[p], timeout, summary) for p in pending))
            finally:
                store.close()
            store.finalize(len(records))


async def _grade_one(
    client: Any, slots: asyncio.Semaphore, store: PartialOutput, position: int, record: Record, timeout: float,
    summary: CodeGradeSummary,
) -> None:
    program = extract_code(record.get(fields.GENERATION), record.get(fields.COMPLETION_PREFIX))
    if program is None:
        verdict = NO_CODE
    else:
        async with slots:
            verdict = await client.run_tests(program, record[TEST_FIELD], timeout=timeout)
    store.append(position, apply_verdict(record, program, verdict))
    summary.add(verdict)

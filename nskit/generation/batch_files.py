"""The batch protocol shared by every command that can send its requests in batches (generate, llm_math_judge).

A `BatchStore` keeps, beside an output file, the ids of its batches in flight (`<final>-batch.json`, rewritten
atomically on each change), so a rerun attaches to them. Requests are batch input lines (`custom_id` ending in
`:<position>`, `url`, `body`) written into parts within the backend's limits; `follow` polls every store's batches
and hands each finished one's results, by input position, to the command's own mapping.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from nskit.generation.client import now
from nskit.records import atomic_write_text, iter_jsonl

log = logging.getLogger(__name__)

TERMINAL = ("completed", "failed", "expired", "cancelled")
RESULT_KINDS = ("output", "errors")


@dataclass
class BatchStatus:
    """What a backend says of one batch."""

    status: str
    total: int = 0
    completed: int = 0
    failed: int = 0
    output_file: str | None = None
    error_file: str | None = None
    errors: str = ""


class BatchBackend(Protocol):
    """Where batch files run: upload + create, poll, fetch result files."""

    name: str

    async def submit(self, input_file: Path, endpoint: str, label: str) -> str:
        """Start a batch on `input_file` (requests to `endpoint`); its id."""
        ...

    async def status(self, batch_id: str) -> BatchStatus:
        """The batch's state now."""
        ...

    async def fetch(self, file_id: str, destination: Path) -> Path:
        """A result file on local disk (downloaded to `destination` when it is remote)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class BatchFailed(RuntimeError):
    """A batch the backend refused as a whole (e.g. its input did not validate); the message has its errors."""


def state_path(final: Path) -> Path:
    """Where the ids of an output file's batches in flight are kept (beside its partial file)."""
    return final.with_name(final.name + "-batch.json")


def result_path(input_file: str | Path, kind: str) -> Path:
    """Where a batch's `output` or `errors` file is kept locally, beside its input file."""
    return Path(f"{input_file}.{kind}")


def position_of(custom: str) -> int:
    """The input position a custom_id ends with (`...:<position>`)."""
    return int(custom.rsplit(":", 1)[1])


class BatchStore:
    """The batches of one output file and their record in `<final>-batch.json`."""

    def __init__(self, final: Path, backend: str) -> None:
        self.final = final
        self.path = state_path(final)
        self.backend = backend
        self.batches: list[dict[str, Any]] = []
        if self.path.exists():
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            if saved.get("backend") != backend:
                raise ValueError(f"{self.path}: batches in flight on {saved.get('backend')!r}, not {backend!r}; "
                                 "rerun with the same server, or delete the file to submit again")
            self.batches = saved["batches"]

    def save(self) -> None:
        """Write the record of this file's batches."""
        atomic_write_text(self.path, json.dumps({"backend": self.backend, "batches": self.batches}, indent=1))

    def pending(self) -> list[dict[str, Any]]:
        """Batches whose results are not yet in the partial file."""
        return [b for b in self.batches if not b.get("mapped")]

    def remove(self) -> None:
        """The file is finished: forget its batches and their files."""
        for batch in self.batches:
            for path in (Path(batch["input_file"]), *(result_path(batch["input_file"], k) for k in RESULT_KINDS)):
                path.unlink(missing_ok=True)
        self.path.unlink(missing_ok=True)

    async def submit(self, lines: Iterable[tuple[bytes, str]], backend: BatchBackend, max_requests: int,
                     max_bytes: int) -> None:
        """Write `(line, endpoint)` into parts within the limits and start one batch per part, saving each id as
        soon as it exists."""
        parts = write_parts(self.final, lines, max_requests, max_bytes)
        for index, (path, endpoint) in enumerate(parts):
            batch_id = await backend.submit(path, endpoint, f"{self.final}#{index}")
            self.batches.append({"id": batch_id, "input_file": str(path), "endpoint": endpoint, "submitted": now()})
            self.save()
            log.info("submitted batch %s: %s (part %d of %d)", batch_id, path.name, index + 1, len(parts))

    async def results(self, batch: dict[str, Any], status: BatchStatus,
                      backend: BatchBackend) -> dict[int, tuple[str, dict[str, Any] | None]]:
        """`position -> (url, result line or None when the batch never ran it)` of a finished batch."""
        if status.status == "failed":
            self.batches.remove(batch)
            self.save()
            raise BatchFailed(f"batch {batch['id']} ({batch['input_file']}) failed: {status.errors or 'no reason given'}")
        urls = {position_of(r["custom_id"]): r["url"] for r in iter_jsonl(batch["input_file"])}
        lines: dict[int, dict[str, Any]] = {}
        for file_id, kind in zip((status.output_file, status.error_file), RESULT_KINDS):
            if file_id:
                for line in iter_jsonl(await backend.fetch(file_id, result_path(batch["input_file"], kind))):
                    lines[position_of(line["custom_id"])] = line
        return {position: (url, lines.get(position)) for position, url in urls.items()}

    def mapped(self, batch: dict[str, Any], status: BatchStatus) -> None:
        """The batch's results are in the partial file."""
        batch["mapped"] = status.status
        self.save()


def write_parts(final: Path, lines: Iterable[tuple[bytes, str]], max_requests: int,
                max_bytes: int) -> list[tuple[Path, str]]:
    """Batch input files beside `final`, each within `max_requests` lines and `max_bytes` bytes: `(file, endpoint)`."""
    parts: list[tuple[Path, str]] = []
    handle = None
    count = size = 0
    try:
        for line, endpoint in lines:
            if handle is None or count >= max_requests or size + len(line) > max_bytes:
                if handle is not None:
                    handle.close()
                # Not `*.jsonl`: the `output*.jsonl` patterns of grading and summaries must not pick them up.
                path = final.with_name(f"{final.name}-batch-{len(parts)}.requests")
                handle = open(path, "wb")  # noqa: SIM115 - closed when the part is full or at the end
                parts.append((path, endpoint))
                count = size = 0
            handle.write(line)
            count += 1
            size += len(line)
    finally:
        if handle is not None:
            handle.close()
    return parts


Finished = Callable[[BatchStore, dict[str, Any], BatchStatus], Awaitable[None]]
"""What a command does with a finished batch (map its results to records, then `store.mapped`)."""


async def follow(stores: list[BatchStore], backend: BatchBackend, poll_interval: float, on_batch: Finished,
                 on_store: Callable[[BatchStore], None]) -> None:
    """Poll every store's pending batches until none is left: `on_batch` for each finished batch, `on_store`
    once a store has no batch pending."""
    tracked = list(stores)
    while tracked:
        for store in list(tracked):
            for batch in store.pending():
                status = await backend.status(batch["id"])
                if status.status not in TERMINAL:
                    batch["progress"] = f"{status.completed + status.failed}/{status.total} {status.status}"
                    continue
                await on_batch(store, batch, status)
            if not store.pending():
                tracked.remove(store)
                on_store(store)
        if tracked:
            log.info("batches in flight: %s", ", ".join(
                f"{b['id']} {b.get('progress', 'submitted')}" for s in tracked for b in s.pending()))
            await asyncio.sleep(poll_interval)

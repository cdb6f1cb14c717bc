"""Batch mode (`++batch_api=True`): every request of a job goes out in batch files instead of one by one.

For each output file: the records still to do become batch input lines (`custom_id` = record id, seed and input
position; the body is exactly what the online client would send, from `payload.build_request`), split into parts
within the backend's limits. Each part is uploaded and its batch created; the batch ids are written at once to
`<final>-batch.json` beside the partial file, so a rerun attaches to the batches in flight instead of creating
new ones. Batches are polled (progress from their request counts); a finished one's output and error files are
mapped back to records and appended to the partial file like online results. A request that failed, or that an
expired or cancelled batch never ran, becomes a record with `error`, which `--retry_errors` resubmits. When a
job's last record lands its final file is written and the batch state removed.

Backends (`batch_backends.py`): the OpenAI Files + Batches API, and vLLM's offline runner for local models.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import orjson

from nskit.config.generation import GenerationConfig
from nskit.generation.client import now
from nskit.generation.jobs import GenerationJob
from nskit.generation.errors import MalformedResponse
from nskit.generation.payload import build_request, read_completion
from nskit.generation.runner import JobState, RunSummary, completion_fields, prepare_jobs, start_job
from nskit.prompt.render import build_prompt
from nskit.records import atomic_write_text, dump_line, iter_jsonl, schema

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


class BatchFailed(RuntimeError):
    """A batch the backend refused as a whole (e.g. its input did not validate); the message has its errors."""


def state_path(job: GenerationJob) -> Path:
    """Where the ids of a job's batches in flight are kept (beside the partial file)."""
    return job.output_file.with_name(job.output_file.name + "-batch.json")


def custom_id(record: dict[str, Any], seed: int, position: int) -> str:
    """`<record id>:rs<seed>:<position>`; the position after the last colon maps a result back to its record."""
    return f"{record.get('id', position)}:rs{seed}:{position}"


def result_path(input_file: str | Path, kind: str) -> Path:
    """Where a batch's `output` or `errors` file is kept locally, beside its input file."""
    return Path(input_file).with_suffix(f".{kind}.jsonl")


def position_of(custom: str) -> int:
    """The input position encoded in a custom_id."""
    return int(custom.rsplit(":", 1)[1])


def batch_lines(state: JobState, model: str) -> Iterator[tuple[bytes, str]]:
    """`(line, endpoint)` of the batch input for every record the job still has to do."""
    job = state.job
    for _, position, record in state.items():
        prompt = build_prompt(record, job.prompt_config, job.template, job.system_message)
        path, body = build_request(model, prompt, job.inference)
        line = {"custom_id": custom_id(record, job.inference.random_seed, position), "method": "POST",
                "url": "/v1" + path, "body": body}
        yield dump_line(line), "/v1" + path


def write_parts(state: JobState, model: str, max_requests: int, max_bytes: int) -> list[tuple[Path, str]]:
    """The job's batch input files, each within `max_requests` lines and `max_bytes` bytes: `(file, endpoint)`."""
    parts: list[tuple[Path, str]] = []
    handle = None
    count = size = 0
    try:
        for line, endpoint in batch_lines(state, model):
            if handle is None or count >= max_requests or size + len(line) > max_bytes:
                if handle is not None:
                    handle.close()
                path = state.job.output_file.with_name(f"{state.job.output_file.name}-batch-{len(parts)}.jsonl")
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


class JobBatches:
    """The batches of one job and their record in `<final>-batch.json` (rewritten atomically on each change)."""

    def __init__(self, state: JobState, backend: str) -> None:
        self.state = state
        self.path = state_path(state.job)
        self.backend = backend
        self.batches: list[dict[str, Any]] = []
        if self.path.exists():
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            if saved.get("backend") != backend:
                raise ValueError(f"{self.path}: batches in flight on {saved.get('backend')!r}, not {backend!r}; "
                                 "rerun with the same server, or delete the file to submit again")
            self.batches = saved["batches"]

    def save(self) -> None:
        """Write the record of this job's batches."""
        atomic_write_text(self.path, json.dumps({"backend": self.backend, "batches": self.batches}, indent=1))

    def pending(self) -> list[dict[str, Any]]:
        """Batches whose results are not yet in the partial file."""
        return [b for b in self.batches if not b.get("mapped")]

    def remove(self) -> None:
        """The job is finished: forget its batches and their input files."""
        for batch in self.batches:
            for path in (Path(batch["input_file"]), *(result_path(batch["input_file"], k) for k in RESULT_KINDS)):
                path.unlink(missing_ok=True)
        self.path.unlink(missing_ok=True)


async def run_batch_jobs(
    jobs: list[GenerationJob],
    backend: BatchBackend,
    settings: GenerationConfig,
    *,
    rerun_done: bool = False,
    retry_errors: bool = False,
    on_record: Callable[[], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> RunSummary:
    """Run every job through batches: submit (or attach to those in flight), poll, map results back, finalize."""
    summary = RunSummary(jobs_total=len(jobs))
    states = prepare_jobs(jobs, summary, rerun_done=rerun_done, retry_errors=retry_errors)
    if on_total:
        on_total(sum(s.remaining for s in states))
    start = time.monotonic()
    tracked: list[JobBatches] = []
    try:
        for state in states:
            if rerun_done:
                state_path(state.job).unlink(missing_ok=True)
            start_job(state)
            batches = JobBatches(state, backend.name)
            if not state.remaining:
                finish(batches, summary)
                continue
            if not batches.pending():
                await submit(batches, backend, settings)
            tracked.append(batches)
        while tracked:
            for batches in list(tracked):
                for batch in batches.pending():
                    status = await backend.status(batch["id"])
                    if status.status not in TERMINAL:
                        batch["progress"] = f"{status.completed + status.failed}/{status.total} {status.status}"
                        continue
                    await collect(batches, batch, status, backend, summary, on_record)
                if not batches.pending():
                    tracked.remove(batches)
                    finish(batches, summary)
            if tracked:
                log.info("batches in flight: %s", ", ".join(
                    f"{b['id']} {b.get('progress', 'submitted')}" for t in tracked for b in t.pending()))
                await asyncio.sleep(settings.batch_poll_interval)
    finally:
        for state in states:
            state.partial.close()
        summary.seconds = time.monotonic() - start
    return summary


async def submit(batches: JobBatches, backend: BatchBackend, settings: GenerationConfig) -> None:
    """Write the job's batch input files and start one batch per part, saving each id as soon as it exists."""
    state = batches.state
    parts = write_parts(state, state.job.model, settings.batch_max_requests, settings.batch_max_bytes)
    for index, (path, endpoint) in enumerate(parts):
        batch_id = await backend.submit(path, endpoint, f"{state.job.output_file}#{index}")
        batches.batches.append({"id": batch_id, "input_file": str(path), "endpoint": endpoint,
                                "submitted": now()})
        batches.save()
        log.info("submitted batch %s: %s (part %d of %d)", batch_id, path.name, index + 1, len(parts))


async def collect(batches: JobBatches, batch: dict[str, Any], status: BatchStatus, backend: BatchBackend,
                  summary: RunSummary, on_record: Callable[[], None] | None) -> None:
    """Map a finished batch's results to records; requests it never ran become errors; mark it mapped."""
    if status.status == "failed":
        batches.batches.remove(batch)
        batches.save()
        raise BatchFailed(f"batch {batch['id']} ({batch['input_file']}) failed: {status.errors or 'no reason given'}")
    state = batches.state
    urls = {position_of(r["custom_id"]): r["url"] for r in iter_jsonl(batch["input_file"])}
    records = {p: r for p, r in state.job.iter_inputs() if p in urls and state.todo[p]}
    outcome: dict[int, dict[str, Any]] = {}
    for file_id, kind in zip((status.output_file, status.error_file), RESULT_KINDS):
        if file_id:
            local = await backend.fetch(file_id, result_path(batch["input_file"], kind))
            for line in iter_jsonl(local):
                outcome[position_of(line["custom_id"])] = line
    for position, record in records.items():
        fields, error = result_fields(outcome.get(position), urls[position].removeprefix("/v1"),
                                      batch["id"], status.status)
        finished = now()
        out = {**record, **fields, schema.GENERATION_START_TIME: batch["submitted"],
               schema.GENERATION_END_TIME: finished, schema.GENERATION_TIME: finished - batch["submitted"]}
        summary.requested += 1
        if error is not None:
            out[schema.ERROR] = error
            summary.errors += 1
        summary.generated_tokens += out.get(schema.NUM_GENERATED_TOKENS) or 0
        state.partial.append(position, out)
        state.todo[position] = 0
        state.remaining -= 1
        if on_record:
            on_record()
    batch["mapped"] = status.status
    batches.save()


def result_fields(line: dict[str, Any] | None, path: str, batch_id: str, status: str) -> tuple[dict[str, Any], str | None]:
    """`(fields, error)` for one request from its result line (None: the batch never ran it)."""
    empty = {schema.GENERATION: "", schema.NUM_GENERATED_TOKENS: 0, schema.NUM_RETRIES: 0}
    if line is None:
        return empty, f"batch_{status}: batch {batch_id} ended {status} without running this request"
    response = line.get("response") or {}
    code = response.get("status_code")
    if line.get("error") or code != 200:
        detail = line.get("error") or (response.get("body") or {}).get("error") or response.get("body")
        return empty, f"http_{code}: {orjson.dumps(detail).decode()[:500]} (batch {batch_id})"
    try:
        return completion_fields(read_completion(path, response["body"])), None
    except (MalformedResponse, KeyError, TypeError) as exc:
        return empty, f"bad_response: {exc} (batch {batch_id})"


def finish(batches: JobBatches, summary: RunSummary) -> None:
    """Write the job's final file and forget its batches."""
    batches.state.partial.finalize(batches.state.total)
    batches.remove()
    summary.jobs_finished += 1
    log.info("wrote %s", batches.state.job.output_file)

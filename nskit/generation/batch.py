"""Batch mode of `ns generate` (`++batch_api=True`): every request of a job goes out in batch files.

For each output file: the records still to do become batch input lines (`custom_id` = record id, seed and input
position; the body is exactly what the online client would send, from `payload.build_request`), split into parts
within the backend's limits. Each part is uploaded and its batch created; the batch ids are written at once to
`<final>-batch.json` beside the partial file, so a rerun attaches to the batches in flight instead of creating
new ones (`batch_files.py`). Batches are polled (progress from their request counts); a finished one's output and
error files are mapped back to records and appended to the partial file like online results. A request that
failed, or that an expired or cancelled batch never ran, becomes a record with `error`, which `--retry_errors`
resubmits. When a job's last record lands its final file is written and the batch state removed.

Backends (`batch_backends.py`): the OpenAI Files + Batches API, and vLLM's offline runner for local models.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from nskit.config.generation import GenerationConfig
from nskit.errors import UserError
from nskit.generation.batch_files import BatchBackend, BatchStatus, BatchStore, follow
from nskit.generation.client import now
from nskit.generation.errors import MalformedResponse
from nskit.generation.jobs import GenerationJob
from nskit.generation.payload import build_request, read_completion
from nskit.generation.runner import JobState, RunSummary, completion_fields, prepare_jobs, start_job
from nskit.prompt.render import build_prompt
from nskit.records import dump_line, schema


def custom_id(record: dict[str, Any], seed: int, position: int) -> str:
    """`<record id>:rs<seed>:<position>`; the position after the last colon maps a result back to its record."""
    return f"{record.get('id', position)}:rs{seed}:{position}"


def batch_line(custom: str, path: str, body: dict[str, Any]) -> tuple[bytes, str]:
    """One batch input line for a request to `path` (below /v1), and its endpoint."""
    return dump_line({"custom_id": custom, "method": "POST", "url": "/v1" + path, "body": body}), "/v1" + path


def batch_lines(state: JobState, model: str) -> Iterator[tuple[bytes, str]]:
    """`(line, endpoint)` of the batch input for every record the job still has to do."""
    job = state.job
    for _, position, record in state.items():
        prompt = build_prompt(record, job.prompt_config, job.template, job.system_message)
        path, body = build_request(model, prompt, job.inference)
        yield batch_line(custom_id(record, job.inference.random_seed, position), path, body)


def result_completion(line: dict[str, Any] | None, path: str, batch_id: str, status: str) -> tuple[Any, str | None]:
    """`(Completion, None)` for an answered request, `(None, error)` otherwise (None: the batch never ran it)."""
    if line is None:
        return None, f"batch_{status}: batch {batch_id} ended {status} without running this request"
    response = line.get("response") or {}
    code = response.get("status_code")
    if line.get("error") or code != 200:
        detail = line.get("error") or (response.get("body") or {}).get("error") or response.get("body")
        return None, f"http_{code}: {orjson.dumps(detail).decode()[:500]} (batch {batch_id})"
    body = response.get("body")
    try:
        return read_completion(path, body if isinstance(body, dict) else {}), None
    except MalformedResponse as exc:
        return None, f"bad_response: {exc} (batch {batch_id})"


async def no_tokenizer(text: str) -> int:
    """Batch mode has no server to count tokens with (a split thinking without the server's reasoning count)."""
    raise UserError("batch mode cannot count the answer's tokens of a split thinking (no server to tokenize with); "
                    "run this one online, or without ++parse_reasoning")


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
    if any(job.inference.token_log for job in jobs):
        raise UserError("++inference.token_log needs the online client: batch results are mapped without it")
    summary = RunSummary(jobs_total=len(jobs))
    states = prepare_jobs(jobs, summary, rerun_done=rerun_done, retry_errors=retry_errors)
    if on_total:
        on_total(sum(s.remaining for s in states))
    start = time.monotonic()
    by_store: dict[int, JobState] = {}
    stores: list[BatchStore] = []

    def finish(store: BatchStore) -> None:
        state = by_store[id(store)]
        state.partial.finalize(state.total)
        store.remove()
        summary.jobs_finished += 1

    async def collect(store: BatchStore, batch: dict[str, Any], status: BatchStatus) -> None:
        state = by_store[id(store)]
        results = await store.results(batch, status, backend)
        for position, record in state.job.iter_inputs():
            if position not in results or not state.todo[position]:
                continue
            url, line = results[position]
            completion, error = result_completion(line, url.removeprefix("/v1"), batch["id"], status.status)
            fields = await completion_fields(state.job, completion, no_tokenizer) if completion is not None else {
                schema.GENERATION: "", schema.NUM_GENERATED_TOKENS: 0, schema.NUM_RETRIES: 0}
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
        store.mapped(batch, status)

    try:
        for state in states:
            if rerun_done:
                BatchStore(state.job.output_file, backend.name).path.unlink(missing_ok=True)
            start_job(state)
            store = BatchStore(state.job.output_file, backend.name)
            by_store[id(store)] = state
            if state.remaining and not store.pending():
                await store.submit(batch_lines(state, state.job.model), backend, settings.batch_max_requests,
                                   settings.batch_max_bytes)
            stores.append(store)
        await follow(stores, backend, settings.batch_poll_interval, collect, finish)
    finally:
        for state in states:
            state.partial.close()
        summary.seconds = time.monotonic() - start
    return summary

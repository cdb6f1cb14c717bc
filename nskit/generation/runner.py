"""The generation loop: many jobs, one bounded pool of in-flight requests, resumable partial files.

Workers pull (job, position) pairs from one queue across every job, so the server stays saturated across
benchmarks and seeds. Each finished record is appended at once to its job's partial file; a job's final file
appears by atomic rename when its last record lands. Requests that failed for good while the server still
answers are written with `error`; a streak of failures is held back until a success proves the server alive,
so an aborted run (server down) leaves those records to be requested again on resume.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from nskit.generation.client import (
    Completion,
    ModelClient,
    RequestFailed,
    ServerDown,
    now,
)
from nskit.generation.jobs import GenerationJob
from nskit.generation.reasoning import reasoning_fields, split_completion
from nskit.prompt.render import build_prompt
from nskit.records import PartialOutput, RecordFileError, iter_jsonl, schema
from nskit.records.token_log import TOKEN_STEPS_FIELD, TokenLogWriter

log = logging.getLogger(__name__)

Strategy = Callable[[ModelClient, GenerationJob, dict[str, Any]], "asyncio.Future[dict[str, Any]]"]


@dataclass
class JobState:
    """Bookkeeping of one job while it runs: one byte per input position, no records held."""

    job: GenerationJob
    total: int
    partial: PartialOutput
    todo: bytearray
    """1 at each position still to request."""
    remaining: int
    done_before: int
    fresh: bool = False
    """Discard any partial file before starting (`--rerun_done`)."""
    seed_from_final: bool = False
    """`--retry_errors` on a final file: its good records seed a new partial file before starting."""
    token_log: TokenLogWriter | None = None
    """The per-token sidecar, with `++inference.token_log=K`."""

    def items(self) -> Iterator[tuple[JobState, int, dict[str, Any]]]:
        """The records still to request, read from the input file as a stream."""
        if not self.remaining:
            return
        for position, record in self.job.iter_inputs():
            if self.todo[position]:
                yield self, position, record


@dataclass
class RunSummary:
    """What a run did, for the closing line and for tests."""

    jobs_total: int = 0
    jobs_skipped: int = 0
    jobs_finished: int = 0
    requested: int = 0
    resumed: int = 0
    errors: int = 0
    generated_tokens: int = 0
    seconds: float = 0.0
    retries: int = 0
    retry_reasons: dict[str, int] = field(default_factory=dict)
    held_back: int = 0
    """Failures of the streak that ended the run (server down): not written, requested again on resume."""

    def line(self) -> str:
        """The one-line summary printed at the end."""
        rate = self.generated_tokens / self.seconds if self.seconds else 0.0
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.retry_reasons.items())) or "none"
        held = f", {self.held_back} failed as the server went down (not written)" if self.held_back else ""
        return (
            f"generation: {self.requested} records requested ({self.resumed} resumed, {self.errors} with errors{held}) "
            f"in {self.jobs_total} file(s), {self.jobs_skipped} already complete; {self.generated_tokens} tokens "
            f"in {self.seconds:.1f} s ({rate:.1f} tok/s); retries {self.retries} ({reasons})"
        )


def prepare_job(job: GenerationJob, rerun_done: bool = False, retry_errors: bool = False) -> JobState | None:
    """Work out what is left of a job; None when its final file is complete and nothing is to be redone.

    Reads and checks files only (inputs, an existing final file, the partial file, whose torn tail is cut): a
    bad file raises `RecordFileError` before any job changes anything. The writes are `start_job`'s. Every file
    is read as a stream: memory does not grow with the number of records.
    """
    total = job.count_inputs()
    partial = PartialOutput(job.output_file, job.fingerprint())
    token_log = TokenLogWriter(job.output_file) if job.inference.token_log else None
    if rerun_done:
        # Start over; the old final file stays in place until the new one replaces it.
        return JobState(job, total, partial, bytearray(b"\x01") * total, total, 0, fresh=True, token_log=token_log)
    if job.output_file.exists() and not partial.path.exists():
        failed = bytearray(total)
        count = 0
        for count, record in enumerate(iter_jsonl(job.output_file), start=1):
            if count <= total and record.get("error"):
                failed[count - 1] = 1
        if count != total:
            raise RecordFileError(
                job.output_file, None,
                f"holds {count} records but this run asks for {total}; pass --rerun_done to generate it again",
            )
        redo = failed.count(1)
        if not (retry_errors and redo):
            return None
        # Retrying errors: the good records seed a partial file; the final file is only replaced at the end.
        return JobState(job, total, partial, failed, redo, total - redo, seed_from_final=True, token_log=token_log)
    index = partial.scan(total)
    todo = bytearray(1 if offset < 0 else 0 for offset in index.offsets)
    if retry_errors:
        todo = bytearray(a | b for a, b in zip(todo, index.failed))
    remaining = todo.count(1)
    return JobState(job, total, partial, todo, remaining, index.present(), token_log=token_log)


def prepare_jobs(jobs: list[GenerationJob], summary: RunSummary, *, rerun_done: bool = False,
                 retry_errors: bool = False) -> list[JobState]:
    """`prepare_job` for every job (all files checked before any is changed); complete ones are counted and left."""
    states = []
    for job in jobs:
        state = prepare_job(job, rerun_done=rerun_done, retry_errors=retry_errors)
        if state is None:
            summary.jobs_skipped += 1
            log.info("%s is complete, skipping", job.output_file)
            continue
        summary.resumed += state.done_before
        states.append(state)
    return states


def start_job(state: JobState) -> None:
    """Open the job's partial file for appending, first discarding (`--rerun_done`) or seeding it as planned."""
    partial = state.partial
    if state.fresh or not partial.path.exists():
        partial.discard()  # also a sidecar left without its partial file: it is rewritten for this run
        if state.token_log is not None and not state.seed_from_final:
            state.token_log.discard()  # a token log without output is from an abandoned run
    if state.seed_from_final:
        todo = state.todo
        partial.seed((p, r) for p, r in enumerate(iter_jsonl(state.job.output_file)) if not todo[p])
    partial.open()
    if state.token_log is not None:
        state.token_log.open()


async def default_strategy(client: ModelClient, job: GenerationJob, record: dict[str, Any]) -> dict[str, Any]:
    """One request per problem: the plain sampler. Other strategies (code execution, best-of-N) plug in here."""
    prompt = build_prompt(record, job.prompt_config, job.template, job.system_message)
    return await completion_fields(job, await client.generate(prompt, job.inference), client.count_tokens)


async def completion_fields(job: GenerationJob, completion: Completion,
                            count_tokens: Callable[[str], Awaitable[int]]) -> dict[str, Any]:
    """The output fields of a record answered by one completion (`count_tokens`: the server's tokenizer, for
    the answer's share of a split thinking)."""
    fields: dict[str, Any] = {
        schema.GENERATION: completion.text,
        schema.FINISH_REASON: completion.finish_reason,
        schema.NUM_INPUT_TOKENS: completion.prompt_tokens,
        schema.NUM_GENERATED_TOKENS: completion.completion_tokens,
        schema.NUM_RETRIES: completion.retries,
    }
    if completion.logprobs is not None and job.inference.top_logprobs is not None:
        fields[schema.LOGPROBS] = completion.logprobs
    if job.inference.token_log:
        from nskit.generation.token_steps import steps_from_logprobs

        if completion.logprobs is None:
            raise RequestFailed("no_logprobs", "the server sent no logprobs for the token log", 1, transient=False)

        fields[TOKEN_STEPS_FIELD] = steps_from_logprobs(completion.logprobs, job.inference.token_log)
    split = split_completion(completion.text, completion.reasoning_content, completion.finish_reason, job.reasoning)
    if split is not None:
        fields.update(await reasoning_fields(
            split, completion.completion_tokens, completion.reasoning_tokens, count_tokens
        ))
    return fields


async def run_jobs(
    jobs: list[GenerationJob],
    client: ModelClient,
    max_concurrent: int,
    *,
    rerun_done: bool = False,
    retry_errors: bool = False,
    strategy: Strategy = default_strategy,
    on_record: Callable[[], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> RunSummary:
    """Run every job to completion (or raise ServerDown, leaving resumable partial files)."""
    summary = RunSummary(jobs_total=len(jobs))
    states = prepare_jobs(jobs, summary, rerun_done=rerun_done, retry_errors=retry_errors)
    total = sum(s.remaining for s in states)
    if on_total:
        on_total(total)
    start = time.monotonic()
    for state in states:
        start_job(state)
    queue: Iterator[tuple[JobState, int, dict[str, Any]]] = (item for s in states for item in s.items())
    held_failures: list[tuple[JobState, int, dict[str, Any]]] = []

    def finish(state: JobState) -> None:
        state.partial.finalize(state.total)
        if state.token_log is not None:
            state.token_log.finalize(range(state.total))
        summary.jobs_finished += 1
        log.info("wrote %s", state.job.output_file)

    def persist(state: JobState, position: int, record: dict[str, Any]) -> None:
        steps = record.pop(TOKEN_STEPS_FIELD, None)
        if steps is not None and state.token_log is not None:
            state.token_log.append(position, steps)  # before the record: a finished record always has its log
        state.partial.append(position, record)
        state.todo[position] = 0
        state.remaining -= 1
        if not state.remaining:
            finish(state)
        if on_record:
            on_record()

    async def worker() -> None:
        for state, position, record in queue:
            started = now()
            try:
                fields = await strategy(client, state.job, record)
                error = None
            except RequestFailed as exc:
                fields, error = {schema.GENERATION: "", schema.NUM_GENERATED_TOKENS: 0}, str(exc)
            finished = now()
            out = {**record, **fields, schema.GENERATION_START_TIME: started, schema.GENERATION_END_TIME: finished,
                   schema.GENERATION_TIME: finished - started}
            summary.requested += 1
            if error is not None:
                out[schema.ERROR] = error
                summary.errors += 1
                held_failures.append((state, position, out))
                continue
            summary.generated_tokens += out.get(schema.NUM_GENERATED_TOKENS) or 0
            while held_failures:
                persist(*held_failures.pop(0))
            persist(state, position, out)

    for state in states:
        if not state.remaining:  # a run killed after its last record, before (or while) writing the final file
            finish(state)
    workers = [asyncio.create_task(worker()) for _ in range(max(1, min(max_concurrent, total)))]
    aborted: ServerDown | None = None
    try:
        await asyncio.gather(*workers)
        # Failures at the very end with no later success: the server still answered the budget check.
        while held_failures:
            persist(*held_failures.pop(0))
    except ServerDown as exc:
        summary.errors -= len(held_failures)
        summary.held_back = len(held_failures)
        aborted = exc
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        for state in states:
            state.partial.close()
            if state.token_log is not None:
                state.token_log.close()
        summary.seconds = time.monotonic() - start
        summary.retries = client.stats.retries
        summary.retry_reasons = dict(client.stats.retry_reasons)
    if aborted is not None:
        log.error("stopped before the end: %s", summary.line())
        raise aborted
    return summary

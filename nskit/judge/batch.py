"""`ns llm_math_judge --batch_api`: the judge's requests as batch files (OpenAI Batch API, or vLLM's run_batch).

Per judged file, as online: records decided without a request (no prediction, or the expected string) and, with
`--retry_errors`, records already judged are written at once; the rest become batch input lines (`custom_id` =
record id and position) on the protocol of `generation/batch_files.py`: ids beside the partial file, a rerun
attaches to the batches in flight, failed or never-run requests become `judge_error` for `--retry_errors`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from nskit.generation.batch import batch_line, result_completion
from nskit.generation.batch_files import BatchBackend, BatchStatus, BatchStore, follow
from nskit.generation.payload import build_request
from nskit.judge.runner import (
    JudgeReport,
    JudgeSettings,
    tally,
    decide_without_request,
    failed_judgement,
    judged_by,
    load_judge_inputs,
)
from nskit.prompt.render import Prompt
from nskit.records import PartialOutput, Record, schema


async def judge_in_batches(paths: Sequence[Path], settings: JudgeSettings, backend: BatchBackend, *,
                           poll_interval: float, max_requests: int = 50_000, max_bytes: int = 190_000_000,
                           on_record: Callable[[], None] | None = None) -> JudgeReport:
    """Judge every file through batches; all files are read and checked before any request."""
    started = time.monotonic()
    report = JudgeReport(files=len(paths))
    loaded = [(path, load_judge_inputs(path, settings)) for path in paths]
    files: dict[int, tuple[Path, list[Record], PartialOutput, set[int]]] = {}
    stores = []

    def write(partial: PartialOutput, position: int, judged: Record) -> None:
        partial.append(position, judged)
        tally(report, judged)
        if on_record is not None:
            on_record()

    def lines(records: list[Record], todo: set[int]) -> Iterator[tuple[bytes, str]]:
        for position in sorted(todo):
            record = records[position]
            path, body = build_request(settings.model, Prompt(messages=settings.prompt.render(record)),
                                       settings.inference)
            yield batch_line(f"{record.get('id', position)}:{position}", path, body)

    for path, records in loaded:
        partial = PartialOutput(path, settings.fingerprint())
        done = partial.load()
        partial.open()
        report.resumed += len(done)
        for judged in done.values():
            tally(report, judged)
        todo = set()
        for position in range(len(records)):
            record = records[position]
            if position in done:
                continue
            if settings.retry_errors and record.get(schema.JUDGE_ERROR) is None and schema.JUDGE_CORRECT in record:
                report.kept += 1
                write(partial, position, record)
            elif (judged := decide_without_request(record)) is not None:
                report.without_request += 1
                write(partial, position, judged)
            else:
                todo.add(position)
        store = BatchStore(path, backend.name)
        files[id(store)] = (path, records, partial, todo)
        if todo and not store.pending():
            await store.submit(lines(records, todo), backend, max_requests, max_bytes)
        stores.append(store)

    async def collect(store: BatchStore, batch: dict[str, Any], status: BatchStatus) -> None:
        path, records, partial, todo = files[id(store)]
        for position, (url, line) in sorted((await store.results(batch, status, backend)).items()):
            if position not in todo:
                continue
            completion, error = result_completion(line, url.removeprefix("/v1"), batch["id"], status.status)
            report.requests += 1
            if completion is None:
                report.failures.append(f"{path.name} record {position + 1}: {error}")
                write(partial, position, failed_judgement(records[position], str(error)))
            else:
                write(partial, position, judged_by(records[position], completion, report))
            todo.discard(position)
        store.mapped(batch, status)

    def finish(store: BatchStore) -> None:
        _, records, partial, _ = files[id(store)]
        partial.close()
        partial.finalize(len(records))
        store.remove()
        report.records += len(records)

    try:
        await follow(stores, backend, poll_interval, collect, finish)
    finally:
        for _, _, partial, _ in files.values():
            partial.close()
    report.seconds = time.monotonic() - started
    return report

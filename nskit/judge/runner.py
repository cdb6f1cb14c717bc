"""Judging output files: one request per record with a prediction, resumable per file, written atomically.

Each file gets a `PartialOutput` (`<file>-async`, fingerprinted by judge model, prompt and settings): finished
records are appended as they come, a rerun after a crash skips them, and when every record is there the file is
replaced atomically. Records without a prediction are judged "No" and predictions equal to the expected answer as
strings are judged "Yes", both without a request (as NeMo-Skills). A request that fails for good leaves
`judge_error` on the record (and `judge_correct: false`); a text without a verdict leaves `judge_no_verdict`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nskit.config.generation import InferenceConfig
from nskit.generation.client import Completion, ModelClient, RequestFailed
from nskit.judge.verdict import NO_TEXT, YES_TEXT, parse_verdict
from nskit.prompt.render import Prompt, PromptConfig
from nskit.records import PartialOutput, Record, RecordFileError, read_jsonl, schema

JUDGE_FIELDS = schema.JUDGE_FIELDS


@dataclass
class JudgeSettings:
    """How the judge is asked."""

    prompt: PromptConfig
    model: str
    inference: InferenceConfig = field(default_factory=lambda: InferenceConfig(temperature=0.0, tokens_to_generate=2048))
    max_concurrent_requests: int = 64
    retry_errors: bool = False
    """Only records carrying `judge_error` are judged again; the others are kept as they are."""

    def fingerprint(self) -> dict[str, Any]:
        """What a partial file must have been made with to be resumed."""
        prompt = hashlib.sha256(json.dumps(self.prompt.model_dump(), sort_keys=True).encode()).hexdigest()[:16]
        return {"judge_model": self.model, "judge_prompt": prompt, "inference": self.inference.model_dump()}


@dataclass
class JudgeReport:
    """Counts of one judge run."""

    files: int = 0
    records: int = 0
    requests: int = 0
    resumed: int = 0
    kept: int = 0
    without_request: int = 0
    yes: int = 0
    no: int = 0
    no_verdict: int = 0
    failures: list[str] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    model: str = ""
    """The judge model as the server names it."""

    def line(self) -> str:
        """One-line summary (token cost is printed separately)."""
        return (
            f"judged {self.records} records in {self.files} file(s) in {self.seconds:.1f} s: {self.yes} yes, "
            f"{self.no} no, {self.no_verdict} without verdict, {len(self.failures)} failed; {self.requests} "
            f"requests, {self.without_request} decided without a request, {self.resumed} resumed, {self.kept} kept"
        )


def tally(report: JudgeReport, record: Record) -> None:
    """Count a judged record as yes, no or without verdict (a failed one is listed elsewhere)."""
    if record.get(schema.JUDGE_ERROR) is not None:
        return
    if record.get(schema.JUDGE_NO_VERDICT) is not None:
        report.no_verdict += 1
    elif record.get(schema.JUDGE_CORRECT):
        report.yes += 1
    else:
        report.no += 1


def _clean(record: Record) -> Record:
    return {k: v for k, v in record.items() if k not in JUDGE_FIELDS}


def decide_without_request(record: Record) -> Record | None:
    """The judged record when no request is needed (no prediction: No; same string as expected: Yes)."""
    predicted = record.get(schema.PREDICTED_ANSWER)
    if predicted is None:
        return {**_clean(record), schema.JUDGEMENT: NO_TEXT, schema.JUDGE_CORRECT: False}
    if str(predicted).strip() == str(record.get(schema.EXPECTED_ANSWER)).strip():
        return {**_clean(record), schema.JUDGEMENT: YES_TEXT, schema.JUDGE_CORRECT: True}
    return None


class FileJudge:
    """Judges the records of many files with one client and one concurrency limit."""

    def __init__(
        self,
        client: ModelClient,
        settings: JudgeSettings,
        on_record: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.on_record = on_record
        self.report = JudgeReport()
        self._slots = asyncio.Semaphore(settings.max_concurrent_requests)
        # Failed requests wait here until a success proves the server alive (or their file completes): when the
        # server dies and the error budget aborts the run, they are judged again on resume instead of kept failed.
        self._held: list[tuple[PartialOutput, int, Record]] = []

    async def run(self, paths: Sequence[Path]) -> JudgeReport:
        """Judge every file; files are checked first, so bad input stops the run before any request."""
        started = time.monotonic()
        loaded = [(path, self._load(path)) for path in paths]
        self.report.files = len(loaded)
        await asyncio.gather(*(self._judge_file(path, records) for path, records in loaded))
        self.report.seconds = time.monotonic() - started
        return self.report

    def _load(self, path: Path) -> list[Record]:
        return load_judge_inputs(path, self.settings)

    async def _judge_file(self, path: Path, records: list[Record]) -> None:
        partial = PartialOutput(path, self.settings.fingerprint())
        done = partial.load()
        partial.open()
        try:
            self.report.resumed += len(done)
            for position in done:
                tally(self.report, done[position])
            todo = [p for p in range(len(records)) if p not in done]
            await asyncio.gather(*(self._judge_record(partial, p, records[p], path) for p in todo))
            self._persist_held(only=partial)
        finally:
            partial.close()
        partial.finalize(len(records))
        self.report.records += len(records)

    async def _judge_record(self, partial: PartialOutput, position: int, record: Record, path: Path) -> None:
        if self.settings.retry_errors and record.get(schema.JUDGE_ERROR) is None and schema.JUDGE_CORRECT in record:
            judged = record
            self.report.kept += 1
        else:
            judged = decide_without_request(record)
            if judged is None:
                judged = await self._ask(record, path, position)
            else:
                self.report.without_request += 1
        if judged.get(schema.JUDGE_ERROR) is not None:
            self._held.append((partial, position, judged))
            return
        self._persist_held()
        partial.append(position, judged)
        tally(self.report, judged)
        if self.on_record is not None:
            self.on_record()

    def _persist_held(self, only: PartialOutput | None = None) -> None:
        """Write held failures (all of them, or those of one file) now that they are known to be real."""
        keep = []
        for partial, position, judged in self._held:
            if only is not None and partial is not only:
                keep.append((partial, position, judged))
                continue
            partial.append(position, judged)
            tally(self.report, judged)
            if self.on_record is not None:
                self.on_record()
        self._held = keep

    async def _ask(self, record: Record, path: Path, position: int) -> Record:
        messages = self.settings.prompt.render(record)
        async with self._slots:
            try:
                completion = await self.client.generate(Prompt(messages=messages), self.settings.inference)
            except RequestFailed as exc:
                self.report.failures.append(f"{path.name} record {position + 1}: {exc}")
                return failed_judgement(record, str(exc))
            finally:
                self.report.requests += 1
        return judged_by(record, completion, self.report)


def load_judge_inputs(path: Path, settings: JudgeSettings) -> list[Record]:
    """The records of an output file, each with what the judge prompt needs when it has a prediction."""
    records = read_jsonl(path, required=(schema.EXPECTED_ANSWER,))
    fields = settings.prompt.fields()
    for number, record in enumerate(records, start=1):
        missing = fields - record.keys()
        if missing and record.get(schema.PREDICTED_ANSWER) is not None:
            raise RecordFileError(path, number, f"the judge prompt needs field(s) {sorted(missing)}")
    return records


def judged_by(record: Record, completion: Completion, report: JudgeReport) -> Record:
    """The record with the judge's answer and verdict; its tokens counted in `report`."""
    report.prompt_tokens += completion.prompt_tokens or 0
    report.completion_tokens += completion.completion_tokens or 0
    verdict = parse_verdict(completion.text)
    judged = {**_clean(record), schema.JUDGEMENT: completion.text, schema.JUDGE_CORRECT: verdict.correct}
    if verdict.verdict is None:
        judged[schema.JUDGE_NO_VERDICT] = verdict.reason
    return judged


def failed_judgement(record: Record, error: str) -> Record:
    """The record of a judge request that failed for good."""
    return {**_clean(record), schema.JUDGEMENT: None, schema.JUDGE_CORRECT: False, schema.JUDGE_ERROR: error}

"""Grade existing output files in place: extract `predicted_answer`, decide `symbolic_correct`, on all cores.

Every file is read and checked before anything is graded, so bad input (a malformed line, a record without
`expected_answer`) raises `RecordFileError` naming file and line and leaves all files untouched. Each file is then
replaced atomically. A check that times out or fails gets `symbolic_correct: false` plus `grading_error` with the
reason, never a silent "wrong". The candidates a strategy keeps in its trajectory (`trajectory.candidates`, e.g.
best_of_n's n samples) are graded the same way, each in place, so that rm_best@k / rm_majority@k can be computed
over them; they do not count in the summary.
"""

from __future__ import annotations

import glob
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nskit.grading.equality import quick_equal
from nskit.grading.extraction import Extraction, extract_answer, get_extraction
from nskit.grading.pool import Outcome, WorkerPool
from nskit.progress import progress as show_progress
from nskit.records import Record, RecordFileError, read_jsonl, schema, write_jsonl

ERROR_KEY = schema.GRADING_ERROR


@dataclass
class GradeSummary:
    """Counts of one grading run."""

    files: int = 0
    records: int = 0
    correct: int = 0
    no_answer: int = 0
    errors: int = 0
    timeouts: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        """One-line human summary."""
        rate = self.records / self.seconds if self.seconds else 0.0
        share = 100.0 * self.correct / self.records if self.records else 0.0
        return (
            f"graded {self.records} records in {self.files} file(s): {self.correct} correct ({share:.2f}%), "
            f"{self.no_answer} without answer, {self.timeouts} timed out, {self.errors - self.timeouts} other "
            f"errors; {self.seconds:.1f} s ({rate:.0f} records/s)"
        )


def expand_paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """Files named by paths and glob patterns (sorted per pattern, duplicates dropped); error if none match."""
    patterns = [paths] if isinstance(paths, (str, Path)) else list(paths)
    found: list[Path] = []
    for pattern in patterns:
        text = str(pattern)
        matches = sorted(glob.glob(text, recursive=True)) if glob.has_magic(text) else [text]
        for match in matches:
            path = Path(match)
            if not path.is_file():
                raise FileNotFoundError(f"no such file: {path}")
            if path not in found:
                found.append(path)
    if not found:
        raise FileNotFoundError(f"no files match {', '.join(map(str, patterns))}")
    return found


def _load(path: Path, extraction: Extraction) -> list[tuple[Record, str, str | None]]:
    """Records of one file with their expected and extracted answers (validated: raises RecordFileError), each
    followed by its trajectory's candidates (`candidate_items`)."""
    loaded = []
    for number, record in enumerate(read_jsonl(path, required=(schema.EXPECTED_ANSWER,)), start=1):
        if schema.GENERATION in record:
            generation = record[schema.GENERATION]
            if generation is not None and not isinstance(generation, str):
                raise RecordFileError(path, None, f"record {number}: 'generation' is {type(generation).__name__}, not text")
            predicted = extract_answer(generation, extraction) if generation else None
        elif schema.PREDICTED_ANSWER in record:
            predicted = None if record[schema.PREDICTED_ANSWER] is None else str(record[schema.PREDICTED_ANSWER])
        else:
            raise RecordFileError(path, None, f"record {number} has neither 'generation' nor 'predicted_answer'")
        loaded.append((record, _answer_text(record[schema.EXPECTED_ANSWER]), predicted))
        loaded += candidate_items(record, extraction)
    return loaded


def candidates_of(record: Record) -> list[Record]:
    """The candidate answers a strategy kept (`trajectory.candidates` entries with a `generation`)."""
    return [c for c in schema.trajectory_candidates(record) if isinstance(c.get(schema.GENERATION), str)]


def candidate_items(record: Record, extraction: Extraction) -> list[tuple[Record, str, str | None]]:
    """A record's candidates with the record's expected answer and each candidate's extracted answer."""
    expected = _answer_text(record[schema.EXPECTED_ANSWER])
    return [(c, expected, extract_answer(c[schema.GENERATION], extraction) if c[schema.GENERATION] else None)
            for c in candidates_of(record)]


def _answer_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def grade_files(
    paths: str | Path | Iterable[str | Path],
    *,
    extraction: str | Extraction = "boxed",
    timeout: float = 10.0,
    workers: int | None = None,
    progress: bool = False,
) -> GradeSummary:
    """Grade output files in place (fields `generation`, `expected_answer` -> `predicted_answer`, `symbolic_correct`).

    `paths` are files or glob patterns. `workers` defaults to all cores; `timeout` is per record. Records
    without `generation` but with `predicted_answer` are graded on that answer as it is.
    """
    started = time.monotonic()
    config = get_extraction(extraction)
    files = expand_paths(paths)
    loaded = {path: _load(path, config) for path in files}
    summary = GradeSummary(files=len(files))
    jobs: list[tuple[Path, int]] = []
    arguments: list[tuple[str, str | None]] = []
    for path, items in loaded.items():
        for position, (record, expected, predicted) in enumerate(items):
            verdict = quick_equal(expected, predicted)
            if verdict is None:
                jobs.append((path, position))
                arguments.append((expected, predicted))
            else:
                _write_verdict(record, predicted, Outcome(value=verdict), summary)
    total = sum(len(items) for items in loaded.values())
    with show_progress("grading", enabled=progress, lines=False) as (set_total, advance), WorkerPool(workers) as pool:
        set_total(total)
        advance(total - len(jobs))
        for index, outcome in pool.iter_run("equal", arguments, timeout=timeout):
            path, position = jobs[index]
            record, _, predicted = loaded[path][position]
            _write_verdict(record, predicted, outcome, summary)
            advance()
    for path, items in loaded.items():
        write_jsonl(path, (record for record, _, _ in items if _is_record(record)))
    summary.seconds = time.monotonic() - started
    return summary


def _is_record(item: Record) -> bool:
    """A record of the file, not one of its candidates (those carry no `expected_answer`)."""
    return schema.EXPECTED_ANSWER in item


def _write_verdict(record: Record, predicted: str | None, outcome: Outcome, summary: GradeSummary) -> None:
    """Write the verdict on a record or a candidate; only records count in the summary."""
    record[schema.PREDICTED_ANSWER] = predicted
    record[schema.SYMBOLIC_CORRECT] = bool(outcome.ok and outcome.value)
    if outcome.ok:
        record.pop(ERROR_KEY, None)
    else:
        record[ERROR_KEY] = outcome.error
    if not _is_record(record):
        return
    summary.errors += not outcome.ok
    summary.timeouts += outcome.timed_out
    summary.records += 1
    summary.correct += record[schema.SYMBOLIC_CORRECT]
    summary.no_answer += predicted is None

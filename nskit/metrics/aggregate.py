"""Streaming aggregation of the seed files of one benchmark: one pass, per-problem counters only.

Files are read one after the other in seed order, each record once. Per problem the aggregator keeps the votes
per answer (count and summed correctness per column), the answers tied at the top, the correct counts per column
and whether any answer was seen; per file it keeps counters. After file k the running majority total is the
majority@k numerator, so every k from 1 to N comes out of the same single pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nskit.metrics.estimators import tied_score
from nskit.metrics.fields import CLASS_KEY, Reading, read_record
from nskit.records import RecordFileError, iter_numbered

_LONG_IDENTITY = 64


@dataclass
class FileStats:
    """Counters of one output file."""

    path: Path
    records: int = 0
    correct: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    judged: int = 0
    graded: int = 0
    no_answer: int = 0
    errors: int = 0
    grading_errors: int = 0
    judge_errors: int = 0
    class_votes: int = 0
    total_votes: set[int] = field(default_factory=set)
    tokens: int = 0
    token_records: int = 0
    start: float | None = None
    end: float | None = None
    missing: int = 0

    def add(self, record: dict[str, Any], reading: Reading) -> None:
        """Count one record."""
        self.records += 1
        for i, value in enumerate(reading.correct):
            self.correct[i] += value
        self.judged += reading.judged
        self.graded += reading.graded
        self.no_answer += reading.key is None
        self.errors += record.get("error") is not None
        self.grading_errors += record.get("grading_error") is not None
        self.judge_errors += record.get("judge_error") is not None
        if reading.key is not None and reading.key[0] == "class":
            self.class_votes += 1
        votes = record.get("total_votes")
        if isinstance(votes, int) and CLASS_KEY in record:
            self.total_votes.add(votes)
        tokens = record.get("num_generated_tokens")
        if isinstance(tokens, (int, float)):
            self.tokens += tokens
            self.token_records += 1
        start, end = record.get("generation_start_time"), record.get("generation_end_time")
        if isinstance(start, (int, float)) and isinstance(end, (int, float)):
            self.start = start if self.start is None else min(self.start, start)
            self.end = end if self.end is None else max(self.end, end)

    @property
    def is_judged(self) -> bool:
        """Whether the judge ran on this file (some record carries a verdict)."""
        return self.judged > 0

    def issues(self) -> dict[str, int]:
        """Problems worth a mark on every row that reads this file (non-zero counts only)."""
        found = {
            "num_errors": self.errors,
            "num_grading_errors": self.grading_errors,
            "num_judge_errors": self.judge_errors,
            "num_missing": self.missing,
            "num_ungraded": self.records - self.graded,
            "num_unjudged": self.records - self.judged if self.is_judged else 0,
        }
        return {name: count for name, count in found.items() if count}


def _identity(record: dict[str, Any]) -> Any:
    value = record.get("id", record.get("problem"))
    if isinstance(value, (dict, list)):
        value = repr(value)
    if isinstance(value, str) and len(value) > _LONG_IDENTITY:
        return hash(value)
    return value


class SeedAggregator:
    """Reads the files of one benchmark (seed order) and keeps what every row needs."""

    def __init__(self, max_seq_len: int | None = None) -> None:
        self.max_seq_len = max_seq_len
        self.files: list[FileStats] = []
        self._identity: list[Any] = []
        self._votes: list[dict[tuple[str, Any], list[float]]] = []
        self._top: list[int] = []
        self._tied: list[list[tuple[str, Any]]] = []
        self._score: list[tuple[float, float, float, float]] = []
        self.correct_counts: list[list[int]] = []
        self._answered: list[bool] = []
        self._answered_total = 0
        self._majority_total = [0.0, 0.0, 0.0, 0.0]
        self.majority_sums: list[tuple[float, ...]] = []
        """majority_sums[k-1][column]: sum over problems of the majority@k score."""
        self.answered_by: list[int] = []
        """answered_by[k-1]: problems with at least one answer among the first k files."""

    @property
    def problems(self) -> int:
        """Number of problems seen (the longest file)."""
        return len(self._identity)

    def add_file(self, path: Path) -> FileStats:
        """Stream one file (the next seed) into the counters."""
        stats = FileStats(path)
        for position, (line, record) in enumerate(iter_numbered(path)):
            identity = _identity(record)
            if position == len(self._identity):
                self._new_problem(identity)
            elif identity != self._identity[position] and identity is not None and self._identity[position] is not None:
                raise RecordFileError(
                    path,
                    line,
                    f"record {position} is not the problem at that position in {self.files[0].path.name} "
                    "(id/problem differ): the seed files must list the same problems in the same order",
                )
            reading = read_record(record, self.max_seq_len)
            stats.add(record, reading)
            counts = self.correct_counts[position]
            for i, value in enumerate(reading.correct):
                counts[i] += value
            if reading.key is not None:
                if not self._answered[position]:
                    self._answered[position] = True
                    self._answered_total += 1
                self._vote(position, reading.key, reading.correct)
        self.files.append(stats)
        self.majority_sums.append(tuple(self._majority_total))
        self.answered_by.append(self._answered_total)
        return stats

    def finish(self) -> None:
        """Count records missing from each file against the longest one."""
        for stats in self.files:
            stats.missing = self.problems - stats.records

    def _new_problem(self, identity: Any) -> None:
        self._identity.append(identity)
        self._votes.append({})
        self._top.append(0)
        self._tied.append([])
        self._score.append((0.0, 0.0, 0.0, 0.0))
        self.correct_counts.append([0, 0, 0, 0])
        self._answered.append(False)

    def _vote(self, position: int, key: tuple[str, Any], correct: tuple[int, int, int, int]) -> None:
        votes = self._votes[position]
        entry = votes.get(key)
        if entry is None:
            entry = votes[key] = [0, 0, 0, 0, 0]
        entry[0] += 1
        for i, value in enumerate(correct, start=1):
            entry[i] += value
        count, top = entry[0], self._top[position]
        if count > top:
            self._top[position] = count
            self._tied[position] = [key]
        elif count == top:
            self._tied[position].append(key)
        else:
            return
        tied = [votes[k] for k in self._tied[position]]
        new = tuple(tied_score([(e[0], e[i]) for e in tied]) for i in range(1, 5))
        old = self._score[position]
        for i in range(4):
            self._majority_total[i] += new[i] - old[i]
        self._score[position] = new  # type: ignore[assignment]

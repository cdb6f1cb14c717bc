"""Streaming aggregation of the files of one benchmark: each record read once, per-problem counters only.

Files are read one after the other in seed order. Each answer is interned as a class id of its problem (its
fill_majority `answer_class`, else its normalised string); per class the aggregator keeps the vote count and the
summed correctness per column, per problem the top vote count, the correct counts and whether any answer was
seen. After file k the majority@k numerator is computed from those counters (numpy, over classes), so every k
from 1 to N comes out of the same single pass. Memory grows with problems and distinct answers, not with seeds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nskit.metrics.fields import (
    COLUMNS,
    judge_verdict,
    normalized_answer,
    problem_identity,
    string_key,
    symbolic_verdict,
    token_split,
)
from nskit.metrics.reader import MetricFields, read_fields
from nskit.metrics.reward import RewardTracker
from nskit.metrics.statistics import TOKEN_SERIES, SeriesStatistics, grow
from nskit.metrics.string_vote import StringMajority
from nskit.records import RecordFileError

MAJORITY_MODES = ("class", "string")
"""How majority votes group answers: by grader class (nskit) or by the answer string (NeMo-Skills)."""


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
    tokens: float = 0
    token_records: int = 0
    reasoning_tokens: float = 0
    answer_tokens: float = 0
    split_records: int = 0
    majority_filled: int = 0
    start: float | None = None
    end: float | None = None
    missing: int = 0
    code_verdicts: int = 0
    """Records graded by the code execution judge (`passed`): the benchmark is summarized as code."""

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


@dataclass(frozen=True)
class ProblemMajority:
    """The majority vote of one problem: the vote keys tied at the top, their votes, the score per column."""

    keys: list[Any]
    """`answer_class` or normalised answer of each tied answer (empty: no file has an answer)."""
    votes: int
    score: tuple[float, ...]
    """The problem's majority score per correctness column (COLUMNS order): mean correctness of the tied answers."""


def _file_stats(path: Path, records: Sequence[MetricFields]) -> FileStats:
    """The counters that do not depend on other files (correctness is filled in by the aggregator)."""
    stats = FileStats(path, records=len(records))
    stats.errors = sum(r.error is not None for r in records)
    stats.grading_errors = sum(r.grading_error is not None for r in records)
    stats.judge_errors = sum(r.judge_error is not None for r in records)
    stats.code_verdicts = sum(r.passed is not None for r in records)
    stats.total_votes = {r.total_votes for r in records if isinstance(r.total_votes, int) and r.answer_class is not None}
    tokens = [r.num_generated_tokens for r in records if isinstance(r.num_generated_tokens, (int, float))]
    stats.tokens, stats.token_records = sum(tokens), len(tokens)
    split = [r for r in records if isinstance(r.num_reasoning_tokens, (int, float))]
    stats.split_records = len(split)
    stats.reasoning_tokens = sum(r.num_reasoning_tokens for r in split)
    stats.answer_tokens = sum(r.num_answer_tokens or 0 for r in split)
    stats.majority_filled = sum(isinstance(r.total_votes, int) and r.majority_votes is not None for r in records)
    starts = [r.generation_start_time for r in records if isinstance(r.generation_start_time, (int, float))]
    ends = [r.generation_end_time for r in records if isinstance(r.generation_end_time, (int, float))]
    stats.start = min(starts) if starts else None
    stats.end = max(ends) if ends else None
    return stats


class SeedAggregator:
    """Reads the files of one benchmark (seed order) and keeps what every row needs."""

    def __init__(
        self,
        max_seq_len: int | None = None,
        read: Callable[[Path], Sequence[MetricFields]] = read_fields,
        majority: str = "class",
    ) -> None:
        if majority not in MAJORITY_MODES:
            raise ValueError(f"unknown majority mode {majority!r}; known: {', '.join(MAJORITY_MODES)}")
        self.max_seq_len = max_seq_len
        self.read = read
        """How a file's records are read (the results browser reads more fields in the same pass)."""
        self.majority = majority
        self.score_stats = SeriesStatistics(COLUMNS)
        self.token_stats = SeriesStatistics(TOKEN_SERIES)
        self.rewards: RewardTracker | None = None
        self._string_majority = StringMajority(len(COLUMNS)) if majority == "string" else None
        self.files: list[FileStats] = []
        self._identity: list[Any] = []
        self._classes: list[dict[Any, int]] = []
        self._class_problem: list[int] = []
        self._normalized: dict[Any, str] = {}
        self._votes = np.zeros(0, np.int64)
        self._vote_correct = np.zeros((4, 0), np.int64)
        self._top = np.zeros(0, np.int64)
        self._correct = np.zeros((4, 0), np.int64)
        self._answered = np.zeros(0, bool)
        self.majority_sums: list[tuple[float, ...]] = []
        """majority_sums[k-1][column]: sum over problems of the majority@k score."""
        self.answered_by: list[int] = []
        """answered_by[k-1]: problems with at least one answer among the first k files."""

    @property
    def problems(self) -> int:
        """Number of problems seen (the longest file)."""
        return len(self._identity)

    @property
    def correct_counts(self) -> np.ndarray:
        """correct_counts[column][problem]: correct answers over the files read so far."""
        return self._correct[:, : self.problems]

    def add_file(self, path: Path) -> FileStats:
        """Read one file (the next seed) into the counters."""
        return self.add_records(path, self.read(path))

    def add_records(self, path: Path, records: Sequence[MetricFields]) -> FileStats:
        """Add the records of one file (the next seed; `path` names it in messages)."""
        stats = _file_stats(path, records)
        self._check_identities(path, records)
        classes, symbolic, judge, keys = self._read_answers(records, stats)
        bits = self._count(classes, symbolic, judge, stats)
        self.files.append(stats)
        self.score_stats.add(bits)
        self.token_stats.add(np.array([token_split(r) for r in records], float).reshape(len(records), 2).T)
        if self.rewards is None and len(self.files) == 1 and any(r.reward_model_score is not None for r in records):
            self.rewards = RewardTracker()
        if self.rewards is not None:
            by_class = [c if c >= 0 else None for c in classes.tolist()]
            self.rewards.add(keys if self._string_majority else by_class, [r.reward_model_score for r in records], bits)
        if self._string_majority is not None:
            self._string_majority.add(keys, bits)
            self.majority_sums.append(self._string_majority.sums[-1])
        else:
            self.majority_sums.append(self._majority_sums())
        self.answered_by.append(int(self._answered[: self.problems].sum()))
        return stats

    def finish(self) -> None:
        """Count records missing from each file against the longest one."""
        for stats in self.files:
            stats.missing = self.problems - stats.records

    def majority_answers(self) -> list[ProblemMajority]:
        """Per problem, the majority vote over the files read so far (the majority@k of the last file read)."""
        size = len(self._class_problem)
        votes = self._votes[:size]
        shares = self._vote_correct[:, :size] / np.maximum(votes, 1)
        answers = []
        for position, classes in enumerate(self._classes):
            top = int(self._top[position])
            tied = [(key, cls) for key, cls in classes.items() if top and votes[cls] == top]
            score = tuple(float(shares[column, [cls for _, cls in tied]].mean()) if tied else 0.0 for column in range(4))
            answers.append(ProblemMajority([key for key, _ in tied], top, score))
        return answers

    def _check_identities(self, path: Path, records: Sequence[MetricFields]) -> None:
        known = len(self._identity)
        for position, record in enumerate(records):
            identity = problem_identity(record.id, record.problem)
            if position >= known:
                self._identity.append(identity)
                self._classes.append({})
            elif identity != self._identity[position] and identity is not None and self._identity[position] is not None:
                raise RecordFileError(
                    path,
                    None,
                    f"record {position + 1} is not the problem at that position in {self.files[0].path.name} "
                    "(id/problem differ): the seed files must list the same problems in the same order",
                )
        size = len(self._identity)
        self._top, self._answered = grow(self._top, size), grow(self._answered, size)
        self._correct = grow(self._correct, size)

    def _read_answers(
        self, records: Sequence[MetricFields], stats: FileStats
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Any]]:
        """Per record: its class id (-1: no answer), symbolic and judge correctness, its answer as written."""
        keys: list[Any] = [None] * len(records)
        classes = np.full(len(records), -1, np.int64)
        symbolic = np.zeros(len(records), bool)
        judge = np.zeros(len(records), bool)
        limit = self.max_seq_len
        for position, record in enumerate(records):
            sym, jud = symbolic_verdict(record), judge_verdict(record)
            stats.graded += sym is not None
            stats.judged += jud is not None
            answer = record.predicted_answer
            if limit is not None and (record.num_generated_tokens or 0) > limit:
                continue  # too long: wrong and unanswered
            symbolic[position], judge[position] = bool(sym), bool(jud)
            if answer is None:
                continue
            keys[position] = string_key(answer)
            if isinstance(record.answer_class, int):
                key: Any = record.answer_class
                stats.class_votes += 1
            else:
                text = answer if isinstance(answer, str) else str(answer)  # numbers, lists: vote on their text
                key = self._normalized.get(text)
                if key is None:
                    key = self._normalized[text] = normalized_answer(text)
            known = self._classes[position]
            cls = known.get(key)
            if cls is None:
                cls = known[key] = len(self._class_problem)
                self._class_problem.append(position)
            classes[position] = cls
        return classes, symbolic, judge, keys

    def _count(self, classes: np.ndarray, symbolic: np.ndarray, judge: np.ndarray, stats: FileStats) -> np.ndarray:
        """Count one file's votes; returns its correctness bits per column and position."""
        n = len(classes)
        bits = np.stack([symbolic, judge, symbolic & judge, symbolic | judge]).astype(np.int64)
        stats.correct = [int(v) for v in bits.sum(axis=1)]
        self._correct[:, :n] += bits
        answered = classes >= 0
        stats.no_answer = int(n - answered.sum())
        cls = classes[answered]
        size = len(self._class_problem)
        self._votes, self._vote_correct = grow(self._votes, size), grow(self._vote_correct, size)
        self._votes[cls] += 1  # one record per problem per file: class ids are distinct within a file
        self._vote_correct[:, cls] += bits[:, answered]
        positions = np.flatnonzero(answered)
        self._top[positions] = np.maximum(self._top[positions], self._votes[cls])
        self._answered[positions] = True
        return bits

    def _majority_sums(self) -> tuple[float, ...]:
        """Sum over problems of the majority score: mean correctness over the classes tied at the top.

        A class's correctness is the mean over its votes (members of one class normally agree); a problem
        without any answer scores 0.
        """
        size, problems = len(self._class_problem), self.problems
        if not size:
            return (0.0, 0.0, 0.0, 0.0)
        owner = np.asarray(self._class_problem, np.int64)
        votes = self._votes[:size]
        tied = (votes > 0) & (votes == self._top[owner])
        tied_owner = owner[tied]
        per_problem = np.bincount(tied_owner, minlength=problems)
        has = per_problem > 0
        sums = []
        for column in range(len(COLUMNS)):
            share = self._vote_correct[column, :size][tied] / votes[tied]
            totals = np.bincount(tied_owner, weights=share, minlength=problems)
            sums.append(float((totals[has] / per_problem[has]).sum()))
        return tuple(sums)

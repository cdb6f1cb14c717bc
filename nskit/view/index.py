"""The index of one benchmark: its summary rows and, per problem and output file, a few state bits and where the
record's line starts.

Built in the same single pass as `summarize_results` (the metrics' own code reads the files, with a reader that
also keeps the viewer's fields), so the overview shows the same numbers. Records are read again only when a problem
is opened, one line per file, by byte offset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nskit.metrics.discovery import BenchmarkFiles, benchmark_files
from nskit.metrics.fields import problem_identity
from nskit.metrics.reader import decode_fields
from nskit.metrics.summary import BenchmarkResult, summarize_benchmark
from nskit.records import RecordFileError
from nskit.records.lines import line_offsets, read_bytes
from nskit.view.fields import FACETS, MISSING, STATE_TABLE, ViewFields, record_bits

_SEARCH_CHARS = 2000
"""Problem text kept in the index for search and previews (the full text is read when the problem is opened)."""


@dataclass
class FileIndex:
    """One output file: where each record's line starts and its state bits."""

    label: str
    path: Path
    size: int
    mtime_ns: int
    offsets: list[int]
    bits: np.ndarray

    def is_fresh(self) -> bool:
        """Whether the file is still the one that was indexed (same size and modification time)."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (self.size, self.mtime_ns)


@dataclass
class BenchmarkIndex:
    """Everything the overview and the problem list need for one benchmark, from one pass over its files."""

    name: str
    found: BenchmarkFiles
    result: BenchmarkResult
    files: list[FileIndex]
    ids: list[Any] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    expected: list[Any] = field(default_factory=list)
    identities: list[Any] = field(default_factory=list)
    facets: dict[str, list[Any]] = field(default_factory=dict)
    majority_answers: list[str | None] = field(default_factory=list)
    majority_shares: list[float] = field(default_factory=list)
    majority_scores: list[float | None] = field(default_factory=list)
    majority_tied: list[bool] = field(default_factory=list)
    voting_files: int = 0

    @property
    def problems(self) -> int:
        """Number of problems (the longest file)."""
        return len(self.ids)

    def bits(self) -> np.ndarray:
        """bits[file][problem]: the state bits of each record, MISSING where a file is shorter."""
        matrix = np.full((len(self.files), self.problems), MISSING, np.uint8)
        for row, file in enumerate(self.files):
            matrix[row, : len(file.bits)] = file.bits
        return matrix

    def cells(self, matrix: np.ndarray) -> list[str]:
        """Per problem, one state letter per file (see `fields.STATE_NAMES`)."""
        letters = np.ascontiguousarray(matrix.T).tobytes().translate(STATE_TABLE).decode("ascii")
        width = len(self.files)
        return [letters[i * width : (i + 1) * width] for i in range(self.problems)]

    def is_fresh(self) -> bool:
        """Whether no file changed, appeared or disappeared since the index was built."""
        now = benchmark_files(self.found.folder)
        paths = ([now.greedy] if now.greedy else []) + [path for _, path in now.seeds]
        return paths == [f.path for f in self.files] and all(f.is_fresh() for f in self.files)

    def majority(self) -> tuple[list[str | None], list[float], list[float | None], list[bool]]:
        """Per problem: the majority answer of the voting files, its vote share, its majority score and whether
        other answers tie with it.

        The score is the problem's term of majority@N (symbolic column, else the judge's), 0-1; None when
        the files carry no verdict.
        """
        pad = self.problems - len(self.majority_answers)
        return (
            self.majority_answers + [None] * pad,
            self.majority_shares + [0.0] * pad,
            self.majority_scores + [None] * pad,
            self.majority_tied + [False] * pad,
        )


def _majority(result: BenchmarkResult, spellings: list[dict[int, str]]) -> tuple[list, list, list, list]:
    """The per-problem majority vote of the voting files (the aggregator is not kept: the index is cached)."""
    voting = result.voting
    if voting is None:
        return [], [], [], []
    files = len(voting.files)
    column = 0 if any(f.graded for f in voting.files) else (1 if all(f.is_judged for f in voting.files) else None)
    answers, shares, scores, tied = [], [], [], []
    for position, vote in enumerate(voting.majority_answers()):
        tied.append(len(vote.keys) > 1)
        key = vote.keys[0] if vote.keys else None
        answers.append(key if isinstance(key, str) or key is None else spellings[position].get(key, f"class {key}"))
        shares.append(vote.votes / files if files else 0.0)
        scores.append(None if column is None else vote.score[column])
    return answers, shares, scores, tied


class _Collector:
    """The reader handed to the metrics: decodes the viewer's fields and indexes each file as it goes."""

    def __init__(self, found: BenchmarkFiles) -> None:
        self.labels = {found.greedy: "greedy"} if found.greedy else {}
        self.labels.update({path: f"rs{seed}" for seed, path in found.seeds})
        self.files: list[FileIndex] = []
        self.ids: list[Any] = []
        self.texts: list[str] = []
        self.expected: list[Any] = []
        self.identities: list[Any] = []
        self.facets: dict[str, list[Any]] = {name: [] for name in FACETS}
        self.spellings: list[dict[int, str]] = []

    def read(self, path: Path) -> list[ViewFields]:
        """Index one output file: its records' offsets and the fields the overview shows."""
        stat = path.stat()
        data = read_bytes(path)
        records: list[ViewFields] = decode_fields(path, data, ViewFields)  # type: ignore[assignment]
        offsets = line_offsets(data)
        if len(offsets) != len(records):
            raise RecordFileError(path, None, f"{len(records)} records but {len(offsets)} non-blank lines")
        bits = np.fromiter((record_bits(r) for r in records), np.uint8, len(records))
        self.files.append(FileIndex(self.labels[path], path, stat.st_size, stat.st_mtime_ns, offsets, bits))
        self._problems(records)
        for position, record in enumerate(records):
            if isinstance(record.answer_class, int) and record.predicted_answer is not None:
                self.spellings[position].setdefault(record.answer_class, str(record.predicted_answer))
        return records

    def _problems(self, records: list[ViewFields]) -> None:
        """What the list shows of each problem, from the first file that holds it."""
        for record in records[len(self.ids) :]:
            self.ids.append(record.id)
            problem = record.problem
            text = problem if isinstance(problem, str) else ("" if problem is None else str(problem))
            self.texts.append(text[:_SEARCH_CHARS])
            self.expected.append(record.expected_answer)
            self.identities.append(problem_identity(record.id, problem))
            for name, values in self.facets.items():
                values.append(getattr(record, name))
            self.spellings.append({})


def build_index(found: BenchmarkFiles) -> BenchmarkIndex:
    """Summarize one benchmark and index its files in the same pass."""
    collector = _Collector(found)
    result = summarize_benchmark(found, read=collector.read)[0]  # the benchmark itself (its subsets follow)
    facets = {name: values for name, values in collector.facets.items() if any(v is not None for v in values)}
    answers, shares, scores, tied = _majority(result, collector.spellings)
    voting_files = len(result.voting.files) if result.voting else 0
    result.voting = None  # counters for every answer class: not needed any more, and not worth caching
    return BenchmarkIndex(
        name=found.name,
        found=found,
        result=result,
        files=collector.files,
        ids=collector.ids,
        texts=collector.texts,
        expected=collector.expected,
        identities=collector.identities,
        facets=facets,
        majority_answers=answers,
        majority_shares=shares,
        majority_scores=scores,
        majority_tied=tied,
        voting_files=voting_files,
    )


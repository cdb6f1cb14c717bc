"""Rows of a benchmark's table, computed from a finished aggregator: greedy, pass@1[avg-of-k], majority@k, pass@k."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nskit.metrics.aggregate import FileStats, SeedAggregator
from nskit.metrics.estimators import mean_pass_at_k, sample_std
from nskit.metrics.fields import COLUMNS, JUDGE_COLUMNS


@dataclass
class Row:
    """One row: percentages (0-100) per present column, plus counts and the issues of the files it reads."""

    name: str
    kind: str
    k: int
    num_entries: int
    values: dict[str, float]
    std: dict[str, float] = field(default_factory=dict)
    avg_tokens: float | None = None
    gen_seconds: float | None = None
    issues: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The row as metrics.json holds it (every number; std as NeMo-Skills' `<column>_statistics`)."""
        out: dict[str, Any] = {"num_entries": self.num_entries}
        if self.avg_tokens is not None:
            out["avg_tokens"] = self.avg_tokens
        if self.gen_seconds is not None:
            out["gen_seconds"] = self.gen_seconds
        out.update(self.values)
        for column, std in self.std.items():
            out[f"{column}_statistics"] = {"avg": self.values[column], "std_dev_across_runs": std}
        out.update(self.issues)
        return out


def printed_ks(n: int) -> list[int]:
    """k shown in the table: powers of two up to n, and n itself."""
    ks, k = [], 1
    while k <= n:
        ks.append(k)
        k *= 2
    return sorted(set(ks) | {n}) if n else []


def greedy_row(aggregator: SeedAggregator) -> Row:
    """The single row of the greedy file (output.jsonl)."""
    row = _average_row(aggregator, 1)
    row.name, row.kind, row.std = "greedy", "greedy", {}
    return row


def seed_rows(aggregator: SeedAggregator) -> list[Row]:
    """Every row for k = 1..N: pass@1[avg-of-k], majority@k (k >= 2) and pass@k."""
    n = len(aggregator.files)
    histograms = _histograms(aggregator.correct_counts, n)
    rows = [_average_row(aggregator, k) for k in range(1, n + 1)]
    rows += [_majority_row(aggregator, k) for k in range(2, n + 1)]
    rows += [_pass_row(aggregator, histograms, k) for k in range(1, n + 1)]
    return rows


def printed_names(n: int) -> list[str]:
    """Names of the seed rows shown in the table (the JSON has all of them)."""
    ks = printed_ks(n)
    return [f"pass@1[avg-of-{n}]"] + [f"majority@{k}" for k in ks if k >= 2] + [f"pass@{k}" for k in ks]


def _histograms(counts: np.ndarray, n: int) -> list[list[int]]:
    """histograms[column][c]: problems with c correct answers out of n, per column (counts[column][problem])."""
    return [np.bincount(counts[column], minlength=n + 1).tolist() for column in range(len(COLUMNS))]


def _columns(files: Sequence[FileStats]) -> list[int]:
    judged = all(f.is_judged for f in files)
    return [i for i, name in enumerate(COLUMNS) if judged or name not in JUDGE_COLUMNS]


def _row(aggregator: SeedAggregator, kind: str, name: str, k: int, files: Sequence[FileStats]) -> Row:
    """A row with the facts every kind shares: entries, tokens, seconds and issues of the files read."""
    token_records = sum(f.token_records for f in files)
    starts = [f.start for f in files if f.start is not None]
    ends = [f.end for f in files if f.end is not None]
    issues: dict[str, int] = {}
    for stats in files:
        for issue, count in stats.issues().items():
            issues[issue] = issues.get(issue, 0) + count
    return Row(
        name=name,
        kind=kind,
        k=k,
        num_entries=aggregator.problems,
        values={},
        avg_tokens=sum(f.tokens for f in files) / token_records if token_records else None,
        gen_seconds=max(ends) - min(starts) if starts and ends else None,
        issues=issues,
    )


def _percent(part: float, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def _average_row(aggregator: SeedAggregator, k: int) -> Row:
    files = aggregator.files[:k]
    problems = aggregator.problems
    row = _row(aggregator, "average", f"pass@1[avg-of-{k}]", k, files)
    for column in _columns(files):
        per_seed = [_percent(f.correct[column], problems) for f in files]
        row.values[COLUMNS[column]] = sum(per_seed) / k
        if k >= 2:
            row.std[COLUMNS[column]] = sample_std(per_seed)
    row.values["no_answer"] = sum(_percent(f.no_answer + f.missing, problems) for f in files) / k
    return row


def _majority_row(aggregator: SeedAggregator, k: int) -> Row:
    files = aggregator.files[:k]
    row = _row(aggregator, "majority", f"majority@{k}", k, files)
    for column in _columns(files):
        row.values[COLUMNS[column]] = _percent(aggregator.majority_sums[k - 1][column], aggregator.problems)
    row.values["no_answer"] = _percent(aggregator.problems - aggregator.answered_by[k - 1], aggregator.problems)
    return row


def _pass_row(aggregator: SeedAggregator, histograms: list[list[int]], k: int) -> Row:
    files = aggregator.files
    n = len(files)
    row = _row(aggregator, "pass", f"pass@{k}", k, files)
    for column in _columns(files):
        row.values[COLUMNS[column]] = 100.0 * mean_pass_at_k(histograms[column], n, k)
    row.values["no_answer"] = _percent(aggregator.problems - aggregator.answered_by[k - 1], aggregator.problems)
    return row

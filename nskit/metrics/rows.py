"""Rows of a benchmark's table, computed from a finished aggregator, named and ordered as NeMo-Skills does.

Seed files give, for k = 1..N: `pass@k`, `pass@1[avg-of-k]` (k >= 2), `majority@k` (k >= 2) and, when records
carry `reward_model_score`, `rm_best@k` and `rm_majority@k`. The greedy file gives one `greedy` row; a single seed
file filled by `ns fill_majority` gives one `majority@1` row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nskit.metrics.aggregate import FileStats, SeedAggregator
from nskit.metrics.estimators import mean_pass_at_k
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
    """Printed `± std` per column, in percent (the sample std of the per-file accuracies)."""
    avg_tokens: int | None = None
    gen_seconds: int | None = None
    token_split: dict[str, int] = field(default_factory=dict)
    """`reasoning_tokens` / `answer_tokens` averages, when records carry the split."""
    statistics: dict[str, dict[str, float]] = field(default_factory=dict)
    issues: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The row as NeMo-Skills' metrics.json holds it (then nskit's issue counts, when any)."""
        out: dict[str, Any] = {"num_entries": self.num_entries}
        if self.avg_tokens is not None:
            out["avg_tokens"] = self.avg_tokens
        if self.gen_seconds is not None:
            out["gen_seconds"] = self.gen_seconds
        out.update({f"avg_{name}": value for name, value in self.token_split.items()})
        out.update(self.values)
        out.update(self.statistics)
        out.update(self.issues)
        return out


def greedy_row(aggregator: SeedAggregator) -> Row:
    """The single row of the greedy file (output.jsonl)."""
    row = _average_row(aggregator, 1)
    row.name, row.kind = "greedy", "greedy"
    return row


def seed_rows(aggregator: SeedAggregator) -> list[Row]:
    """Every row for k = 1..N, in NeMo-Skills' metrics.json order; one `majority@1` row for a fused file."""
    n = len(aggregator.files)
    if n == 1 and aggregator.files[0].records and aggregator.files[0].majority_filled == aggregator.files[0].records:
        row = _average_row(aggregator, 1)
        row.name, row.kind = "majority@1", "majority"
        return [row]
    histograms = _histograms(aggregator.correct_counts, n)
    rows = []
    for k in range(1, n + 1):
        rows += [_pass_row(aggregator, histograms, k), _average_row(aggregator, k)]
    rows += [_majority_row(aggregator, k) for k in range(2, n + 1)]
    return rows + reward_rows(aggregator)


def reward_rows(aggregator: SeedAggregator) -> list[Row]:
    """`rm_best@k` and `rm_majority@k` for k = 1..N when the records carry `reward_model_score` (else none)."""
    if aggregator.rewards is None:
        return []
    kinds = ("rm_best", "rm_majority")
    return [_reward_row(aggregator, kind, k) for k in range(1, len(aggregator.files) + 1) for kind in kinds]


def printed_names(n: int) -> list[str]:
    """Names of the seed rows shown in the table (NeMo-Skills: only k = N; the JSON has every k)."""
    if n == 1:
        return ["majority@1", "pass@1", "rm_best@1", "rm_majority@1"]
    return [f"pass@1[avg-of-{n}]", f"majority@{n}", f"rm_best@{n}", f"rm_majority@{n}", f"pass@{n}"]


def _histograms(counts: np.ndarray, n: int) -> list[list[int]]:
    """histograms[column][c]: problems with c correct answers out of n, per column (counts[column][problem])."""
    return [np.bincount(counts[column], minlength=n + 1).tolist() for column in range(len(COLUMNS))]


def _columns(files: Sequence[FileStats]) -> list[int]:
    judged = all(f.is_judged for f in files)
    return [i for i, name in enumerate(COLUMNS) if judged or name not in JUDGE_COLUMNS]


def _row(aggregator: SeedAggregator, kind: str, name: str, k: int, files: Sequence[FileStats]) -> Row:
    """A row with the facts every row of the aggregator shares (NeMo-Skills: tokens and seconds of all files,
    truncated to ints) and the issues of the files this row reads."""
    every = aggregator.files
    tokens, records = sum(f.tokens for f in every), sum(f.records for f in every)
    starts = [f.start for f in every if f.start is not None]
    ends = [f.end for f in every if f.end is not None]
    issues: dict[str, int] = {}
    for stats in files:
        for issue, count in stats.issues().items():
            issues[issue] = issues.get(issue, 0) + count
    split = sum(f.split_records for f in every)
    token_split = {}
    if split:
        token_split = {
            "reasoning_tokens": int(sum(f.reasoning_tokens for f in every) / split),
            "answer_tokens": int(sum(f.answer_tokens for f in every) / split),
        }
    return Row(
        name=name,
        kind=kind,
        k=k,
        num_entries=aggregator.problems,
        values={},
        avg_tokens=int(tokens / records) if tokens > 0 and records else None,
        gen_seconds=int(max(ends) - min(starts)) if starts and ends else None,
        token_split=token_split,
        issues=issues,
    )


def _percent(part: float, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def _average_row(aggregator: SeedAggregator, k: int) -> Row:
    files = aggregator.files[:k]
    problems = aggregator.problems
    row = _row(aggregator, "average", f"pass@1[avg-of-{k}]", k, files)
    columns = _columns(files)
    for column in columns:
        row.values[COLUMNS[column]] = sum(_percent(f.correct[column], problems) for f in files) / k
    row.values["no_answer"] = sum(_percent(f.no_answer + f.missing, problems) for f in files) / k
    if k >= 2 and problems:
        row.statistics = aggregator.token_stats.at(k, problems)
        scores = aggregator.score_stats.at(k, problems)
        for column in columns:
            key = f"{COLUMNS[column]}_statistics"
            row.statistics[key] = scores[key]
            row.std[COLUMNS[column]] = 100.0 * scores[key]["std_dev_across_runs"]
    return row


def _majority_row(aggregator: SeedAggregator, k: int) -> Row:
    files = aggregator.files[:k]
    row = _row(aggregator, "majority", f"majority@{k}", k, files)
    for column in _columns(files):
        row.values[COLUMNS[column]] = _percent(aggregator.majority_sums[k - 1][column], aggregator.problems)
    row.values["no_answer"] = _percent(aggregator.problems - aggregator.answered_by[k - 1], aggregator.problems)
    return row


def _reward_row(aggregator: SeedAggregator, kind: str, k: int) -> Row:
    assert aggregator.rewards is not None
    files = aggregator.files[:k]
    row = _row(aggregator, kind, f"{kind}@{k}", k, files)
    sums = (aggregator.rewards.best_sums if kind == "rm_best" else aggregator.rewards.majority_sums)[k - 1]
    for column in _columns(files):
        row.values[COLUMNS[column]] = _percent(sums[column], aggregator.problems)
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

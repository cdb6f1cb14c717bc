"""Token confidence vs accuracy, from graded output files and their token logs (`++inference.token_log=K`).

A step is *low-confidence* when the model's top-1 probability there is below `threshold`; a generation's
*confidence* is the mean log-probability of its chosen tokens. Every analysis returns plain dicts (they go to
JSON as they are); `nskit.metrics.confidence_report` prints and plots them. Definitions: `docs/decoding.md`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nskit.errors import UserError
from nskit.metrics.fields import normalized_answer
from nskit.records import iter_numbered, schema
from nskit.records.layout import BenchmarkFiles, token_log_path
from nskit.records.token_log import read_token_log

COUNT_BUCKETS = ((0, 0), (1, 1), (2, 2), (3, 4), (5, 8), (9, 16), (17, 32), (33, None))
"""Buckets of the number of low-confidence steps in a generation."""

RANK_BUCKETS = ((1.0, 1.5), (1.5, 2.0), (2.0, 3.0), (3.0, 5.0), (5.0, None))
"""Buckets of the mean rank of the chosen token over a generation's low-confidence steps."""


@dataclass(frozen=True)
class Generation:
    """What the analyses need of one generation (its token log reduced to a few numbers)."""

    position: int
    seed: int | None
    correct: bool
    answer: str | None
    steps: int
    low: int
    """Steps whose top-1 probability is below the threshold."""
    low_mean_rank: float | None
    """Mean rank of the chosen token over those steps (None when there are none)."""
    mean_logprob: float
    mean_top1: float


def _correct(record: dict, path: Path, line: int) -> bool:
    for key in (schema.SYMBOLIC_CORRECT, schema.IS_CORRECT, schema.JUDGE_CORRECT):
        if record.get(key) is not None:
            return bool(record[key])
    raise UserError(f"{path}:{line}: record is not graded (no {schema.SYMBOLIC_CORRECT}); run `ns grade` first")


def load_generations(files: BenchmarkFiles, threshold: float) -> list[Generation]:
    """Every generation of a benchmark folder whose output file has a token log (greedy: seed None)."""
    outputs = ([(None, files.greedy)] if files.greedy else []) + list(files.seeds)
    logged = [(seed, path) for seed, path in outputs if token_log_path(path).exists()]
    if not logged:
        raise UserError(f"{files.folder}: no output file has a token log (generate with ++inference.token_log=K)")
    generations = []
    for seed, path in logged:
        logs = read_token_log(path)
        for position, (line, record) in enumerate(iter_numbered(path)):
            if record.get(schema.ERROR):
                continue
            steps = logs.get(position)
            if steps is None:
                raise UserError(f"{token_log_path(path)}: no token log for line {line} of {path}")
            low = steps.top1_probs() < threshold
            answer = record.get(schema.PREDICTED_ANSWER)
            logp = np.log(np.maximum(steps.chosen_probs.astype(np.float64), 1e-12))
            generations.append(Generation(
                position=position, seed=seed, correct=_correct(record, path, line),
                answer=None if answer is None else normalized_answer(answer), steps=len(steps), low=int(low.sum()),
                low_mean_rank=float(steps.ranks[low].mean()) if low.any() else None,
                mean_logprob=float(logp.mean()) if len(steps) else 0.0,
                mean_top1=float(steps.top1_probs().mean()) if len(steps) else 1.0,
            ))
    return generations


def _bucket_label(low: int | float, high: int | float | None) -> str:
    if high is None:
        return f">={low:g}"
    return f"{low:g}" if low == high else f"{low:g}-{high:g}"


def _accuracy(generations: Sequence[Generation]) -> float | None:
    return 100.0 * sum(g.correct for g in generations) / len(generations) if generations else None


def by_low_count(generations: Sequence[Generation]) -> list[dict]:
    """Accuracy per bucket of the number of low-confidence steps (every generation: greedy and sampled)."""
    rows = []
    for low, high in COUNT_BUCKETS:
        inside = [g for g in generations if g.low >= low and (high is None or g.low <= high)]
        rows.append({"low_confidence_steps": _bucket_label(low, high), "generations": len(inside),
                     "accuracy": _accuracy(inside)})
    return rows


def sampled_accuracy(generations: Sequence[Generation]) -> dict:
    """Accuracy of all sampled generations (k seeds) and of those with exactly one low-confidence step."""
    sampled = [g for g in generations if g.seed is not None]
    one = [g for g in sampled if g.low == 1]
    seeds = len({g.seed for g in sampled})
    return {"k": seeds, "generations": len(sampled), "accuracy": _accuracy(sampled),
            "exactly_one_low": {"generations": len(one), "accuracy": _accuracy(one)}}


def by_low_rank(generations: Sequence[Generation]) -> list[dict]:
    """Accuracy per bucket of the mean rank of the chosen token at low-confidence steps (generations with any)."""
    rows = []
    for low, high in RANK_BUCKETS:
        inside = [g for g in generations if g.low_mean_rank is not None and g.low_mean_rank >= low
                  and (high is None or g.low_mean_rank < high)]
        label = f"[{low:g}, {high:g})" if high is not None else f">={low:g}"
        rows.append({"mean_rank": label, "generations": len(inside), "accuracy": _accuracy(inside)})
    return rows


def majority(generations: Sequence[Generation]) -> Generation | None:
    """The generation carrying the most voted answer (ties: the earliest; no answer: no vote)."""
    votes = Counter(g.answer for g in generations if g.answer is not None)
    if not votes:
        return None
    best = max(votes.values())
    return next(g for g in generations if g.answer is not None and votes[g.answer] == best)


def _per_problem(generations: Iterable[Generation]) -> dict[int, list[Generation]]:
    problems: dict[int, list[Generation]] = {}
    for g in sorted((g for g in generations if g.seed is not None), key=lambda g: (g.position, g.seed)):
        problems.setdefault(g.position, []).append(g)
    return problems


def _majority_accuracy(groups: Iterable[Sequence[Generation]]) -> float | None:
    winners = [majority(group) for group in groups]
    return 100.0 * sum(bool(w and w.correct) for w in winners) / len(winners) if winners else None


def confident_majority(generations: Sequence[Generation], fraction: float) -> dict:
    """Majority over all k sampled generations vs over the most confident `fraction` of them, per problem."""
    problems = _per_problem(generations)
    keep = {p: sorted(group, key=lambda g: -g.mean_logprob)[:max(1, math.ceil(fraction * len(group)))]
            for p, group in problems.items()}
    return {"problems": len(problems), "fraction": fraction,
            "majority_all": _majority_accuracy(problems.values()),
            "majority_confident": _majority_accuracy(keep.values())}


def powers_of_two(k: int) -> list[int]:
    """1, 2, 4, ... up to k, and k itself."""
    ks = [1 << i for i in range(k.bit_length()) if 1 << i <= k]
    return ks + ([k] if ks[-1] != k else [])


def majority_by_confidence_bin(generations: Sequence[Generation]) -> dict:
    """majority@k (first k seeds) vs k, for the problems in each tenth (1..10) of their mean top-1 probability."""
    problems = _per_problem(generations)
    if not problems:
        return {"ks": [], "bins": []}
    k = min(len(group) for group in problems.values())
    ks = powers_of_two(k)
    bins = []
    for tenth in range(1, 11):
        inside = [group for group in problems.values()
                  if min(int(np.mean([g.mean_top1 for g in group]) * 10), 9) + 1 == tenth]
        bins.append({"bin": tenth, "problems": len(inside),
                     "majority": [_majority_accuracy(group[:size] for group in inside) for size in ks]})
    return {"ks": ks, "bins": bins}


def analyze_benchmark(files: BenchmarkFiles, threshold: float, fraction: float) -> dict:
    """Every generation analysis of one benchmark folder."""
    generations = load_generations(files, threshold)
    return {
        "benchmark": files.name,
        "threshold": threshold,
        "generations": len(generations),
        "by_low_count": by_low_count(generations),
        "sampled": sampled_accuracy(generations),
        "by_low_rank": by_low_rank(generations),
        "confident_majority": confident_majority(generations, fraction),
        "majority_by_confidence_bin": majority_by_confidence_bin(generations),
    }

"""`rm_best@k` and `rm_majority@k`: picking one answer per problem by its `reward_model_score` (as NeMo-Skills).

Over the first k files, answered records only:
- rm_best: the correctness of the record with the highest reward (the earliest file wins a tie);
- rm_majority: rewards are summed per answer; the answer with the highest sum (the earliest seen wins a tie)
  scores the correctness of its latest record.
A problem without any answer among the first k counts as wrong. Answers are grouped by the same key as majority
votes (grader class by default, the answer string under `--majority string`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np


class RewardTracker:
    """Per problem: the best record so far and the summed reward per answer key."""

    def __init__(self) -> None:
        self._best: list[tuple[float, tuple[bool, ...]] | None] = []
        self._answers: list[dict[Hashable, list[Any]]] = []
        self.best_sums: list[tuple[float, ...]] = []
        """best_sums[k-1][column]: sum over problems of rm_best@k correctness."""
        self.majority_sums: list[tuple[float, ...]] = []
        """majority_sums[k-1][column]: sum over problems of rm_majority@k correctness."""

    def add(self, keys: Sequence[Hashable | None], rewards: Sequence[Any], bits: np.ndarray) -> None:
        """Add one file: per position its answer key (None: no answer), reward and correctness per column."""
        for position, (key, reward) in enumerate(zip(keys, rewards)):
            if position >= len(self._best):
                self._best.append(None)
                self._answers.append({})
            if key is None or not isinstance(reward, (int, float)):
                continue
            correct = tuple(bool(b) for b in bits[:, position])
            best = self._best[position]
            if best is None or reward > best[0]:
                self._best[position] = (float(reward), correct)
            entry = self._answers[position].setdefault(key, [0.0, correct])
            entry[0] += reward
            entry[1] = correct
        columns = bits.shape[0]
        best_sum, majority_sum = [0.0] * columns, [0.0] * columns
        for best, answers in zip(self._best, self._answers):
            if best is None:
                continue
            top = max(answers.values(), key=lambda entry: entry[0])  # max keeps the first of equal sums
            for column in range(columns):
                best_sum[column] += best[1][column]
                majority_sum[column] += top[1][column]
        self.best_sums.append(tuple(best_sum))
        self.majority_sums.append(tuple(majority_sum))

"""`--majority string`: NeMo-Skills' own majority@k, reproduced exactly.

Per problem and correctness column, each answered record is one vote for the pair (answer as written, its
correctness in that column); the pairs with the most votes tie at the top and the problem scores the mean
correctness of those pairs. Unlike nskit's default (votes per grader class), `1/2` and `0.5` are two answers,
and one answer judged right in one seed and wrong in another splits into two pairs.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np


class StringMajority:
    """Incremental majority: per problem and column the vote counts, the top count and the tied pairs' sum."""

    def __init__(self, columns: int) -> None:
        self.columns = columns
        self._counts: list[list[dict[tuple[Hashable, bool], int]]] = []
        self._top: list[list[tuple[int, int, int]]] = []
        """Per problem, per column: (top count, pairs at the top, correct pairs at the top)."""
        self.sums: list[tuple[float, ...]] = []
        """sums[k-1][column]: sum over problems of the majority@k score."""

    def add(self, keys: Sequence[Hashable | None], bits: np.ndarray) -> None:
        """Add one file: per position its answer (None: no answer) and correctness per column."""
        for position, key in enumerate(keys):
            if position >= len(self._counts):
                self._counts.append([{} for _ in range(self.columns)])
                self._top.append([(0, 0, 0)] * self.columns)
            if key is None:
                continue
            for column in range(self.columns):
                pair = (key, bool(bits[column, position]))
                counts = self._counts[position][column]
                count = counts[pair] = counts.get(pair, 0) + 1
                top, tied, correct = self._top[position][column]
                if count > top:  # counts grow by one, so a pair passing the top is alone there
                    self._top[position][column] = (count, 1, int(pair[1]))
                elif count == top:
                    self._top[position][column] = (top, tied + 1, correct + int(pair[1]))
        sums = [0.0] * self.columns
        for tops in self._top:
            for column, (top, tied, correct) in enumerate(tops):
                if top:
                    sums[column] += correct / tied
        self.sums.append(tuple(sums))

"""Text normalization and word n-gram overlap: shared by near-duplicate removal and the contamination check."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def normalize_text(text: str) -> str:
    """Lower case, Unicode NFKC, only the words (runs of letters and digits) kept, joined by single spaces."""
    return " ".join(words(text))


def words(text: str) -> list[str]:
    """The words of `text` after NFKC and lower casing: runs of letters and digits (`\\frac{1}{2}` -> frac, 1, 2)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


def ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    """The set of word n-grams; a text shorter than `n` words is one n-gram of all its words."""
    if len(tokens) < n:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def jaccard(a: set, b: set) -> float:
    """|a & b| / |a | b| (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


class NearDuplicates:
    """Remembers kept texts of one problem; a new text is a duplicate when its normalized form equals a kept
    one or its word n-gram Jaccard similarity with a kept one reaches `threshold`."""

    def __init__(self, threshold: float, n: int = 5) -> None:
        self.threshold, self.n = threshold, n
        self._exact: set[str] = set()
        self._shingles: list[set[tuple[str, ...]]] = []

    def add(self, text: str) -> bool:
        """Remember `text` and return True, or return False (and remember nothing) when it is a near duplicate."""
        tokens = words(text)
        key = " ".join(tokens)
        if key in self._exact:
            return False
        shingles = ngrams(tokens, self.n)
        if self.threshold <= 1.0 and any(jaccard(shingles, kept) >= self.threshold for kept in self._shingles):
            return False
        self._exact.add(key)
        self._shingles.append(shingles)
        return True

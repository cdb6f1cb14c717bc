"""Normalization and near-duplicate detection shared by ns collect and ns check_contamination."""

from __future__ import annotations

from nskit.training.textsim import NearDuplicates, jaccard, ngrams, normalize_text


def test_normalize_keeps_words_and_numbers_only() -> None:
    assert normalize_text("So  $\\frac{1}{2}$ of ＡＢＣ, i.e. 0.5!") == "so frac 1 2 of abc i e 0 5"
    assert ngrams(["a", "b"], 5) == {("a", "b")} and ngrams([], 5) == set()
    assert jaccard(set(), set()) == 1.0 and jaccard({1, 2}, {2, 3}) == 1 / 3


def test_near_duplicates_by_shingles() -> None:
    solution = " ".join(f"step {i}: add {i} and {i + 1} to get {2 * i + 1}." for i in range(40))
    seen = NearDuplicates(threshold=0.9)
    assert seen.add(solution)
    assert not seen.add(solution.replace("step 20:", "Step 20 -"))  # the same text once normalized
    assert not seen.add(solution.replace("to get 41", "giving 41"))  # one phrase reworded in 280 words
    assert seen.add(" ".join(f"we add {i} to {i + 1}, which is {2 * i + 1}." for i in range(40)))
    strict = NearDuplicates(threshold=1.5)  # above 1: only identical normalized text is a duplicate
    assert strict.add(solution) and strict.add(solution.replace("to get 41", "giving 41"))
    assert not strict.add(solution.upper())

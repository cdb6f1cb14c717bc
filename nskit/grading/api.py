"""The public grading API with timeouts: `is_equal` and `equivalence_classes`.

Cheap cases (identical strings, letters, plain numbers) are decided in the calling process; everything else runs
in the shared killable worker pool (`pool.shared_pool`), so a pathological answer costs at most `timeout`.
"""

from __future__ import annotations

from collections.abc import Sequence

from nskit.grading.equality import quick_equal
from nskit.grading.pool import shared_pool


class GradingError(RuntimeError):
    """A comparison could not be completed; the message says why (the grader's exception or the timeout)."""


class GradingTimeout(GradingError):
    """A comparison took longer than its timeout; the worker running it was killed."""


def is_equal(expected: str, predicted: str | None, timeout: float = 10.0) -> bool:
    """Whether `predicted` is an answer equivalent to `expected`.

    Both may be raw model text (the last `\\\\boxed{}` is used) or bare answers (`$...$` wrappers allowed).
    `predicted=None` (no answer) is never equal. Unparsable LaTeX that differs from the other answer is not
    equal. Raises `GradingTimeout` when the check takes longer than `timeout` seconds (its worker process is
    killed and replaced), `GradingError` when the grader itself fails.
    """
    verdict = quick_equal(str(expected), predicted)
    if verdict is not None:
        return verdict
    (outcome,) = shared_pool().run("equal", [(str(expected), predicted)], timeout=timeout)
    if outcome.timed_out:
        raise GradingTimeout(f"is_equal({_short(expected)}, {_short(predicted)}): {outcome.error}")
    if not outcome.ok:
        raise GradingError(f"is_equal({_short(expected)}, {_short(predicted)}): {outcome.error}")
    return bool(outcome.value)


def equivalence_classes(answers: Sequence[str | None], timeout: float = 10.0) -> list[list[int]]:
    """Group answers into classes of mutually equivalent answers; returns lists of indices into `answers`.

    Classes come in order of first appearance and list their indices in increasing order; `None` entries (no
    answer) belong to no class. Each new answer is compared with one representative of every class found so
    far (in parallel); a comparison that times out or fails counts as "not equivalent", so such an answer
    starts a class of its own. Used by majority voting to count votes per equivalence class.
    """
    representatives: list[int] = []
    members: dict[int, list[int]] = {}
    by_text: dict[str, int] = {}
    for index, answer in enumerate(answers):
        if answer is None:
            continue
        text = str(answer).strip()
        if text in by_text:
            members[by_text[text]].append(index)
            continue
        home = _find_class(text, [str(answers[r]) for r in representatives], timeout)
        rep = representatives[home] if home is not None else index
        if home is None:
            representatives.append(index)
            members[index] = []
        members[rep].append(index)
        by_text[text] = rep
    return [members[rep] for rep in representatives]


def _find_class(answer: str, representatives: list[str], timeout: float) -> int | None:
    """Index of the first representative equivalent to `answer`, or None."""
    if not representatives:
        return None
    undecided: list[int] = []
    for position, representative in enumerate(representatives):
        verdict = quick_equal(representative, answer)
        if verdict:
            return position
        if verdict is None:
            undecided.append(position)
    if not undecided:
        return None
    outcomes = shared_pool().run("equal", [(representatives[p], answer) for p in undecided], timeout=timeout)
    for position, outcome in zip(undecided, outcomes, strict=True):
        if outcome.ok and outcome.value:
            return position
    return None


def _short(text: object) -> str:
    value = repr(text)
    return value if len(value) <= 60 else value[:57] + "..."

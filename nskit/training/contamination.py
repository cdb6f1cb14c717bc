"""Contamination guard: does any test problem appear in a training file (normalized text, word n-gram overlap)?

A test problem is flagged in a training line when its normalized text is contained in the line's normalized text,
or when at least `threshold` of its word n-grams occur in the line. Test n-grams are indexed once, so a training
file is read in one pass.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nskit.errors import UserError
from nskit.records import RecordFileError, iter_numbered, schema
from nskit.training.textsim import ngrams, words


@dataclass(frozen=True)
class HeldOutProblem:
    """One problem that must not be trained on: where it comes from and its normalized words."""

    source: str
    id: str
    words: tuple[str, ...]


def training_text(record: dict[str, Any], path: Path, line: int) -> str:
    """The text of one training line: every message's content (SFT), else `problem` (+ `generation`)."""
    if isinstance(record.get("messages"), list):
        return "\n".join(str(message.get("content", "")) for message in record["messages"] if isinstance(message, dict))
    if isinstance(record.get("problem"), str):
        return "\n".join(str(record.get(key, "")) for key in (schema.PROBLEM, schema.GENERATION))
    raise RecordFileError(path, line, "a training line needs `messages` (SFT) or `problem`")


def load_test_problems(files: dict[str, Path]) -> list[HeldOutProblem]:
    """The `problem` of every record of each test file (keyed by a label such as the benchmark name)."""
    problems = []
    for label, path in files.items():
        for line, record in iter_numbered(path):
            if not isinstance(record.get("problem"), str):
                raise RecordFileError(path, line, "test record without a `problem` string")
            problems.append(HeldOutProblem(label, str(record.get("id", line)), tuple(words(record["problem"]))))
    if not problems:
        raise UserError("no test problems to check against")
    return problems


def check_contamination(
    training_file: Path, tests: list[HeldOutProblem], *, n: int = 10, threshold: float = 0.5
) -> dict[str, Any]:
    """The overlap report: every (training line, test problem) pair flagged, with its n-gram overlap."""
    if n < 1 or not 0.0 < threshold <= 1.0:
        raise UserError(f"need n >= 1 and 0 < threshold <= 1, got n={n}, threshold={threshold}")
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    sizes = []
    for number, test in enumerate(tests):
        grams = ngrams(list(test.words), n) if len(test.words) >= n else set()
        sizes.append(len(grams))
        for gram in grams:
            index[gram].append(number)
    flagged = []
    lines = 0
    for line, record in iter_numbered(training_file):
        lines += 1
        tokens = words(training_text(record, training_file, line))
        text = " " + " ".join(tokens) + " "
        hits: dict[int, int] = defaultdict(int)
        for gram in ngrams(tokens, n):
            for number in index.get(gram, ()):
                hits[number] += 1
        # Short problems have no n-grams: only containment of their whole normalized text can flag them.
        candidates = set(hits) | {i for i, size in enumerate(sizes) if size == 0}
        for number in sorted(candidates):
            test = tests[number]
            exact = bool(test.words) and f" {' '.join(test.words)} " in text
            overlap = hits.get(number, 0) / sizes[number] if sizes[number] else float(exact)
            if exact or overlap >= threshold:
                flagged.append({"line": line, "test_source": test.source, "test_id": test.id,
                                "overlap": round(overlap, 4), "exact": exact})
    return {
        "training_file": str(training_file),
        "lines": lines,
        "test_problems": len(tests),
        "ngram": n,
        "threshold": threshold,
        "flagged_lines": len({item["line"] for item in flagged}),
        "flagged": flagged,
    }

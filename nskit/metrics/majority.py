"""`fill_majority`: per problem, a vote across seed files over the grader's equivalence classes, written back.

Votes: each seed file's `predicted_answer` is one vote; missing answers (None) are ignored; answers are grouped by
`nskit.grading.equivalence_classes`, so `1/2`, `0.5` and `\\frac{1}{2}` are one vote. Tie-break (deterministic):
among classes with the most votes, the one whose earliest answer comes first in seed order (files are ordered by
seed number: rs2 before rs10). The majority answer's text is the most frequent spelling within the class (ties:
the earliest). Records are matched across files by position and checked by `id`/`problem`.

Written into every record (NeMo-Skills semantics): the majority answer into `fill_key` (None when no file has an
answer), `majority_votes` (votes of the majority class) and `total_votes` (number of files); plus `answer_class`,
the class number (per problem, in order of first appearance) of the record's `predicted_answer` after filling, so
`summarize_results` counts majority votes by grader class. With `fill_key=predicted_answer` the filled records
take the majority answer's `symbolic_correct` and keep their own answer in `predicted_answer_before_majority`
(later runs vote on it, so a second run changes nothing); with `fill_key=expected_answer` `symbolic_correct`
becomes "the record's answer is in the majority class". Either way a record whose filled value changed loses its
now stale `judgement`/`judge_correct`/`judge_error` (rerun the judge).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nskit.metrics.fields import problem_identity
from nskit.records import Record, RecordFileError, iter_numbered, schema, write_jsonl
from nskit.records.layout import seed_of

_STALE_JUDGE = (schema.JUDGEMENT, schema.JUDGE_CORRECT, schema.JUDGE_ERROR)
ORIGINAL_KEY = schema.PREDICTED_ANSWER_BEFORE_MAJORITY


@dataclass(frozen=True)
class Majority:
    """The vote of one problem."""

    answer: Any
    votes: int
    class_of: tuple[int | None, ...]
    """Per file: class number of that file's answer (None: no answer)."""
    winner: int | None
    symbolic_correct: Any
    grading_error: Any


@dataclass
class FillReport:
    """What a fill run changed."""

    problems: int = 0
    problems_changed: int = 0
    changed: dict[Path, int] = field(default_factory=dict)
    """Records changed per file (0: the file was left untouched)."""

    def line(self) -> str:
        """One-line summary."""
        files = sum(1 for count in self.changed.values() if count)
        return (
            f"fill_majority: {self.problems} problems over {len(self.changed)} files; {self.problems_changed} "
            f"problems and {sum(self.changed.values())} records changed in {files} file(s)"
        )


def order_by_seed(paths: Sequence[Path]) -> list[Path]:
    """Seed files in seed-number order when every name carries a seed (`records.layout.seed_of`), else as given."""
    seeds = [seed_of(p) for p in paths]
    if all(seed is not None for seed in seeds):
        return [p for _, p in sorted(zip(seeds, paths))]  # type: ignore[type-var]
    return list(paths)


def vote(answers: Sequence[Any], symbolic: Sequence[Any], errors: Sequence[Any], timeout: float) -> Majority:
    """The majority of one problem's answers (one per file, None = missing) by grader equivalence."""
    from nskit.grading import equivalence_classes

    texts = [None if a is None else str(a) for a in answers]
    classes = equivalence_classes(texts, timeout=timeout)
    class_of: list[int | None] = [None] * len(answers)
    for number, members in enumerate(classes):
        for index in members:
            class_of[index] = number
    if not classes:
        return Majority(None, 0, tuple(class_of), None, False, None)
    winner = max(range(len(classes)), key=lambda n: (len(classes[n]), -classes[n][0]))
    members = classes[winner]
    spelling = Counter(texts[i] for i in members).most_common(1)[0][0]
    source = next(i for i in members if texts[i] == spelling)
    return Majority(answers[source], len(members), tuple(class_of), winner, symbolic[source], errors[source])


def _read_answers(paths: Sequence[Path]) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]]]:
    """Per problem, per file: predicted_answer, symbolic_correct, grading_error; checks alignment."""
    answers: list[list[Any]] = []
    symbolic: list[list[Any]] = []
    errors: list[list[Any]] = []
    identities: list[Any] = []
    for index, path in enumerate(paths):
        count = 0
        for line, record in iter_numbered(path):
            identity = problem_identity(record.get(schema.ID), record.get(schema.PROBLEM))
            if index == 0:
                identities.append(identity)
                answers.append([])
                symbolic.append([])
                errors.append([])
            elif count >= len(identities):
                raise RecordFileError(path, line, f"more records than {paths[0].name} ({len(identities)})")
            elif identity != identities[count] and None not in (identity, identities[count]):
                raise RecordFileError(path, line, f"not the problem at this position in {paths[0].name} (id/problem differ)")
            answers[count].append(record.get(ORIGINAL_KEY, record.get(schema.PREDICTED_ANSWER)))
            symbolic[count].append(record.get(schema.SYMBOLIC_CORRECT, record.get(schema.IS_CORRECT)))
            errors[count].append(record.get(schema.GRADING_ERROR))
            count += 1
        if count == 0:
            raise RecordFileError(path, None, "file holds no records")
        if count != len(identities):
            raise RecordFileError(path, None, f"{count} records but {paths[0].name} has {len(identities)}")
    return answers, symbolic, errors


def _filled(record: Record, file_index: int, majority: Majority, fill_key: str, ignore_if_not_none: bool, files: int) -> Record:
    """The record after filling (a new dict; the input is not modified)."""
    if ignore_if_not_none and record.get(fill_key) is not None:
        return record
    new = dict(record)
    new[fill_key] = majority.answer
    new[schema.MAJORITY_VOTES], new[schema.TOTAL_VOTES] = majority.votes, files
    own = majority.class_of[file_index]
    if fill_key in (schema.PREDICTED_ANSWER, schema.EXPECTED_ANSWER) and record.get(fill_key) != majority.answer:
        for key in _STALE_JUDGE:  # the judgement was about the old pair of answers
            new.pop(key, None)
    if fill_key == schema.PREDICTED_ANSWER:
        new.setdefault(ORIGINAL_KEY, record.get(schema.PREDICTED_ANSWER))
        new[schema.ANSWER_CLASS] = majority.winner
        if own != majority.winner or record.get(schema.PREDICTED_ANSWER) != majority.answer:
            new[schema.SYMBOLIC_CORRECT] = bool(majority.symbolic_correct)
            new.pop("grading_error", None)
            if majority.grading_error is not None:
                new[schema.GRADING_ERROR] = majority.grading_error
    else:
        new[schema.ANSWER_CLASS] = own
        if fill_key == schema.EXPECTED_ANSWER:
            new[schema.SYMBOLIC_CORRECT] = own is not None and own == majority.winner
    return new


def fill_majority(
    paths: Sequence[Path],
    fill_key: str = schema.PREDICTED_ANSWER,
    *,
    ignore_if_not_none: bool = False,
    timeout: float = 10.0,
    on_problem: Callable[[int], None] | None = None,
) -> FillReport:
    """Vote per problem across `paths` (seed files) and write the result into every file, each atomically.

    Raises RecordFileError (file and line) when files are malformed or do not list the same problems; in that
    case no file is changed. A file whose records would not change is not rewritten.
    """
    paths = order_by_seed(paths)
    answers, symbolic, errors = _read_answers(paths)
    majorities = []
    for problem in range(len(answers)):
        majorities.append(vote(answers[problem], symbolic[problem], errors[problem], timeout))
        if on_problem is not None:
            on_problem(problem)
    report = FillReport(problems=len(majorities))
    changed_problems: set[int] = set()
    for index, path in enumerate(paths):
        settings = (index, majorities, fill_key, ignore_if_not_none, len(paths))
        positions = list(_changes(path, *settings))
        if positions:
            write_jsonl(path, (new for _, new in _updates(path, *settings)))
        changed_problems.update(positions)
        report.changed[path] = len(positions)
    report.problems_changed = len(changed_problems)
    return report


def _updates(
    path: Path, index: int, majorities: Sequence[Majority], fill_key: str, ignore: bool, files: int
) -> Iterator[tuple[Record, Record]]:
    for position, (_, record) in enumerate(iter_numbered(path)):
        yield record, _filled(record, index, majorities[position], fill_key, ignore, files)


def _changes(
    path: Path, index: int, majorities: Sequence[Majority], fill_key: str, ignore: bool, files: int
) -> Iterator[int]:
    """Positions whose record the fill changes."""
    for position, (old, new) in enumerate(_updates(path, index, majorities, fill_key, ignore, files)):
        if old != new:
            yield position

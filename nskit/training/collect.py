"""Rejection sampling into SFT data: keep the correct, clean, distinct generations of each problem, capped and
balanced, as chat-format JSONL, with a report whose numbers add up (`ns collect`).

Every record read ends in exactly one bucket: kept, or rejected for one reason (`REASONS`, checked in that
order), so `records == kept + sum(rejected)` and the per-problem histogram sums to the number of problems.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nskit.errors import UserError
from nskit.generation.code_format import CODE_TAG_PRESETS, CodeTags
from nskit.prompt.render import load_prompt_config
from nskit.records import RecordFileError, iter_numbered, write_jsonl
from nskit.records.layout import find_benchmarks
from nskit.records.schema import EXPECTED_ANSWER, GENERATION, ID, PREDICTED_ANSWER, PROBLEM
from nskit.training.textsim import NearDuplicates
from nskit.training.trajectory import ToolTurns, TrajectoryFormatError, assistant_messages, trajectory_failure
from nskit.training.verdicts import Combine, check_names, judged_correct

REASONS = ("error", "empty", "truncated", "code_error", "not_graded", "incorrect", "tir_format", "duplicate", "over_cap")
"""Why a generation is not kept, in the order the checks run."""


class CollectSettings(BaseModel):
    """What `ns collect` keeps and how it writes it; validated once."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    verdicts: tuple[str, ...] = ("symbolic",)
    combine: Combine = "all"
    drop_code_errors: bool = False
    dedup_threshold: float = Field(0.9, gt=0.0, description="word 5-gram Jaccard at or above which two are one")
    max_per_problem: int = Field(-1, ge=-1, description="-1: no cap")
    prompt_config: str = "generic/math"
    system_message: str | None = None
    code_tags: str = "markdown"
    tool_turns: ToolTurns = "split"

    @classmethod
    def parse(cls, **values: Any) -> CollectSettings:
        """Validate once; a bad value is a `UserError` naming the setting and what is allowed."""
        try:
            return cls(**values)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
            raise UserError(f"bad collect settings: {problems}") from None

    @field_validator("verdicts")
    @classmethod
    def _known_verdicts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_names(value))

    @field_validator("code_tags")
    @classmethod
    def _known_tags(cls, value: str) -> str:
        if value not in CODE_TAG_PRESETS:
            raise ValueError(f"unknown code_tags {value!r}: choose from {', '.join(CODE_TAG_PRESETS)}")
        return value


@dataclass
class Problem:
    """What was seen of one problem: its first record (for the prompt) and the solutions kept so far."""

    record: dict[str, Any]
    seen: NearDuplicates
    kept: list[dict[str, Any]] = field(default_factory=list)
    correct: int = 0
    """Correct, clean and distinct solutions before the cap (what `--until_solved` counts)."""


@dataclass
class CollectResult:
    """The kept SFT lines (balanced order), the per-problem state and the report."""

    lines: list[dict[str, Any]]
    problems: dict[Any, Problem]
    report: dict[str, Any]


def problem_key(record: dict[str, Any], path: Path, line: int) -> Any:
    """What identifies a problem across files and rounds: `id`, else the problem text."""
    key = record.get(ID, record.get(PROBLEM))
    if key is None or isinstance(key, (dict, list)):
        raise RecordFileError(path, line, "record has neither `id` nor `problem`, so its problem is unknown")
    return key


def input_files(paths: list[Path]) -> list[Path]:
    """Output files to read: files as given; for a folder, the greedy and seed files of every benchmark in it."""
    files: list[Path] = []
    for path in paths:
        if path.is_file():
            files.append(path)
            continue
        for bench in find_benchmarks(path):
            files += ([bench.greedy] if bench.greedy else []) + [seed_file for _, seed_file in bench.seeds]
    return list(dict.fromkeys(files))


def collect(paths: list[Path], settings: CollectSettings) -> CollectResult:
    """Read every output file under `paths` and decide the fate of each generation (see the module docstring)."""
    files = input_files(paths)
    prompt = load_prompt_config(settings.prompt_config)
    tags = CODE_TAG_PRESETS[settings.code_tags]
    problems: dict[Any, Problem] = {}
    rejected: Counter[str] = Counter()
    records = 0
    for path in files:
        for line, record in iter_numbered(path):
            records += 1
            key = problem_key(record, path, line)
            problem = problems.get(key)
            if problem is None:
                problem = problems[key] = Problem(record, NearDuplicates(settings.dedup_threshold))
            reason, sft = _judge(record, settings, tags, problem)
            if reason is not None:
                rejected[reason] += 1
                continue
            problem.correct += 1
            if 0 <= settings.max_per_problem <= len(problem.kept):
                rejected["over_cap"] += 1
                continue
            try:
                messages = prompt.render(problem.record, settings.system_message)
            except KeyError as exc:
                raise RecordFileError(path, line, f"{exc.args[0]} (--prompt_config {settings.prompt_config})") from None
            problem.kept.append({"messages": messages + sft, "id": record.get(ID),
                                 "metadata": _metadata(record, path, line)})
    lines = _round_robin([problem.kept for problem in problems.values()])
    report = _report(files, records, rejected, problems, settings)
    return CollectResult(lines, problems, report)


def _judge(
    record: dict[str, Any], settings: CollectSettings, tags: CodeTags, problem: Problem
) -> tuple[str | None, list[dict[str, str]]]:
    failure = trajectory_failure(record, settings.drop_code_errors)
    if failure:
        return failure, []
    correct = judged_correct(record, settings.verdicts, settings.combine)
    if correct is None:
        return "not_graded", []
    if not correct:
        return "incorrect", []
    try:
        sft = assistant_messages(record, tags, settings.tool_turns)
    except TrajectoryFormatError:
        return "tir_format", []
    if not problem.seen.add(record[GENERATION]):
        return "duplicate", []
    return None, sft


def _metadata(record: dict[str, Any], path: Path, line: int) -> dict[str, Any]:
    return {
        EXPECTED_ANSWER: record.get(EXPECTED_ANSWER),
        PREDICTED_ANSWER: record.get(PREDICTED_ANSWER),
        "source": f"{path}:{line}",
    }


def _round_robin(groups: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The first solution of every problem, then the second of every problem, ...: any prefix is balanced."""
    lines = []
    for depth in range(max((len(group) for group in groups), default=0)):
        lines += [group[depth] for group in groups if depth < len(group)]
    return lines


def _report(
    files: list[Path], records: int, rejected: Counter[str], problems: dict[Any, Problem], settings: CollectSettings
) -> dict[str, Any]:
    histogram = Counter(len(problem.kept) for problem in problems.values())
    kept = sum(len(problem.kept) for problem in problems.values())
    return {
        "files": [str(path) for path in files],
        "records": records,
        "kept": kept,
        "rejected": {reason: rejected[reason] for reason in REASONS},
        "problems": len(problems),
        "problems_covered": sum(1 for problem in problems.values() if problem.kept),
        "solutions_per_problem": {str(k): histogram[k] for k in sorted(histogram)},
        "settings": settings.model_dump(mode="json"),
    }


def write_collected(result: CollectResult, output: Path, report_file: Path) -> None:
    """Write the SFT JSONL and the report JSON, each atomically (the SFT file first)."""
    import json

    from nskit.records import atomic_write_text

    write_jsonl(output, result.lines)
    atomic_write_text(report_file, json.dumps({"output": str(output), **result.report}, indent=1) + "\n")


def short_problems(result: CollectResult, problems_file: Path, until_solved: int) -> list[dict[str, Any]]:
    """The records of `problems_file` (the data the outputs were generated from) that were generated and still
    have fewer than `until_solved` correct, distinct solutions: the input of the next round."""
    short = []
    for line, record in iter_numbered(problems_file):
        problem = result.problems.get(problem_key(record, problems_file, line))
        if problem is not None and problem.correct < until_solved:
            short.append(record)
    return short

"""The problem page: the problem, its expected answer, every file's generation and the answers grouped by class.

Each file's record is read by its byte offset from the index (one line per file); nothing else is read.
"""

from __future__ import annotations

from typing import Any

from nskit.grading.extraction import last_boxed
from nskit.metrics.fields import vote_key
from nskit.records import Record, schema
from nskit.records.lines import read_records_at
from nskit.view.fields import record_bits, state_char, verdict, view_fields
from nskit.view.index import BenchmarkIndex
from nskit.view.sections import SECTIONS, RecordSource

GENERATED = (schema.FIELDS - {schema.ID, schema.PROBLEM, schema.EXPECTED_ANSWER}) | {"tokens", "top_logprobs"}
"""Fields written by generation, grading and judging; the rest of a record is the problem's data."""


class StaleIndex(RuntimeError):
    """An output file changed since the index was built (the caller rebuilds the index and asks again)."""


def answer_span(generation: str, predicted: Any) -> list[int] | None:
    """[start, end) of where `predicted` was extracted from `generation`: the last `\\boxed{...}` when it holds
    the answer, else the last occurrence of the answer's text; None when it cannot be found."""
    if predicted is None or not generation:
        return None
    answer = str(predicted).strip()
    boxed = last_boxed(generation)
    if boxed is not None:
        start = max(generation.rfind("\\boxed"), generation.rfind("\\fbox"))
        inner = generation.find(boxed, start)
        if inner >= 0 and (boxed.strip() == answer or answer in boxed):
            return [start, inner + len(boxed) + 1]
    if answer:
        found = generation.rfind(answer)
        if found >= 0:
            return [found, found + len(answer)]
    return None


def _seconds(record: Record) -> float | None:
    if isinstance(record.get(schema.GENERATION_TIME), (int, float)):
        return float(record[schema.GENERATION_TIME])
    start, end = record.get(schema.GENERATION_START_TIME), record.get(schema.GENERATION_END_TIME)
    if isinstance(start, (int, float)) and isinstance(end, (int, float)):
        return float(end) - float(start)
    return None


def generation_entry(
    label: str, file: str, record: Record, data_fields: frozenset[str], source: RecordSource
) -> dict[str, Any]:
    """One file's generation of the problem, as the page shows it."""
    fields = view_fields(record)
    primary, symbolic, judge = verdict(fields, fields.passed)
    bits = record_bits(fields)
    generation = record.get(schema.GENERATION)
    text = generation if isinstance(generation, str) else ("" if generation is None else str(generation))
    return {
        "label": label,
        "file": file,
        "state": state_char(bits),
        "predicted_answer": None if record.get(schema.PREDICTED_ANSWER) is None else str(record[schema.PREDICTED_ANSWER]),
        "span": answer_span(text, record.get(schema.PREDICTED_ANSWER)),
        "correct": primary,
        "symbolic_correct": symbolic,
        "judge_correct": judge,
        "passed": record.get(schema.PASSED),
        "tokens": record.get(schema.NUM_GENERATED_TOKENS),
        "input_tokens": record.get(schema.NUM_INPUT_TOKENS),
        "reasoning_tokens": record.get(schema.NUM_REASONING_TOKENS),
        "reward": record.get(schema.REWARD_MODEL_SCORE),
        "seconds": _seconds(record),
        "finish_reason": record.get(schema.FINISH_REASON),
        "error": record.get(schema.ERROR),
        "grading_error": record.get(schema.GRADING_ERROR),
        "judge_error": record.get(schema.JUDGE_ERROR),
        "judge_no_verdict": record.get(schema.JUDGE_NO_VERDICT),
        "generation": text,
        "sections": [s.as_json() for s in SECTIONS.sections(record, source, data_fields)],
    }


def answer_groups(records: list[tuple[int, Record]], keys: list[Any] | None = None) -> list[dict[str, Any]]:
    """Generations grouped by what they vote for, most votes first, no answer last.

    By default the key is the majority@k vote key (`answer_class`, else the normalised answer); `keys` gives one
    key per record instead (the grader's classes).
    """
    groups: dict[Any, dict[str, Any]] = {}
    for number, (index, record) in enumerate(records):
        fields = view_fields(record)
        key = vote_key(fields) if keys is None else keys[number]
        group = groups.get(key)
        if group is None:
            answer = record.get(schema.PREDICTED_ANSWER)
            group = groups[key] = {"answer": None if answer is None else str(answer), "members": [], "correct": []}
        group["members"].append(index)
        group["correct"].append(verdict(fields, fields.passed)[0])
    ordered = sorted(groups.items(), key=lambda item: (item[0] is None, -len(item[1]["members"])))
    out = []
    for _, group in ordered:
        verdicts = [c for c in group.pop("correct") if c is not None]
        group["correct"] = None if not verdicts else sum(verdicts) / len(verdicts)
        out.append(group)
    return out


def grader_groups(index: BenchmarkIndex, position: int, timeout: float = 5.0) -> list[dict[str, Any]]:
    """The problem's answers grouped by the grader's equivalence (`1/2`, `0.5` and `\\frac{1}{2}` together)."""
    from nskit.grading import equivalence_classes

    records = _read(index, position)
    answers = [None if r.get(schema.PREDICTED_ANSWER) is None else str(r[schema.PREDICTED_ANSWER]) for _, r in records]
    keys: list[Any] = [None] * len(records)
    for number, members in enumerate(equivalence_classes(answers, timeout=timeout)):
        for member in members:
            keys[member] = number
    return answer_groups(records, keys)


def _read(index: BenchmarkIndex, position: int) -> list[tuple[int, Record]]:
    """(file number, record) of problem `position` in every file that has it, one line read per file."""
    if not 0 <= position < index.problems:
        raise KeyError(f"{index.name} has no problem {position + 1} (it has {index.problems})")
    if not index.is_fresh():
        raise StaleIndex(f"the output files of {index.name} changed since they were indexed")
    return [
        (number, read_records_at(file.path, [file.offsets[position]])[0])
        for number, file in enumerate(index.files)
        if position < len(file.offsets)
    ]


def problem_page(index: BenchmarkIndex, position: int) -> dict[str, Any]:
    """Everything the problem page shows for problem `position` (0-based) of the benchmark."""
    records = _read(index, position)
    files = [{"label": file.label, "file": file.path.name} for file in index.files]
    first = records[0][1] if records else {}
    # The problem's data: what every file's record holds alike (input fields are copied into each output record).
    data_fields = frozenset(
        k for k in first if k not in GENERATED and all(k in r and r[k] == first[k] for _, r in records)
    )
    generations: list[dict[str, Any] | None] = [None] * len(index.files)
    for number, record in records:
        file = index.files[number]
        generations[number] = generation_entry(
            file.label, file.path.name, record, data_fields, RecordSource(file.path, position)
        )
    data = {k: first[k] for k in sorted(data_fields) if k not in (schema.ID, schema.PROBLEM, schema.EXPECTED_ANSWER)}
    return {
        "benchmark": index.name,
        "position": position,
        "problems": index.problems,
        "id": first.get(schema.ID),
        "problem": "" if first.get(schema.PROBLEM) is None else str(first.get(schema.PROBLEM)),
        "expected_answer": None if first.get(schema.EXPECTED_ANSWER) is None else str(first.get(schema.EXPECTED_ANSWER)),
        "data": data,
        "files": files,
        "generations": generations,
        "groups": answer_groups(records),
    }

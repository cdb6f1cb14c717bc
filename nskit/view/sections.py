"""The sections of a generation on the problem page, one registered function each.

A section function takes the record (and where it was read, for sidecars beside the file) and returns a `Section`, or None
when the record has nothing for it; the fields it used are not repeated under "other fields". The page renders a
section by its `kind` (markdown, text, code_steps, tokens, table, json), so a new field (a strategy's trajectory,
an execution report) needs one function here and no change to the page.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nskit.records import Record, schema
from nskit.records.layout import token_log_path
from nskit.records.token_log import TokenLogIndex

SHOWN_ELSEWHERE = frozenset(
    {
        schema.PROBLEM, schema.EXPECTED_ANSWER, schema.GENERATION, schema.PREDICTED_ANSWER, schema.SYMBOLIC_CORRECT,
        schema.IS_CORRECT, schema.JUDGE_CORRECT, schema.PASSED, schema.ERROR, schema.GRADING_ERROR, schema.JUDGE_ERROR,
        schema.JUDGE_NO_VERDICT, schema.NUM_GENERATED_TOKENS, schema.NUM_INPUT_TOKENS, schema.GENERATION_TIME,
        schema.GENERATION_START_TIME, schema.GENERATION_END_TIME, schema.FINISH_REASON, schema.NUM_REASONING_TOKENS,
        schema.REWARD_MODEL_SCORE,
    }
)
"""Fields the page shows in the generation's header or the problem's header, not as sections."""


@dataclass
class Section:
    """One block under a generation."""

    title: str
    kind: str
    """How the page renders `data`: markdown | text | code_steps | tokens | steps | table | json."""
    data: Any
    open: bool = True
    fields: tuple[str, ...] = ()
    """Record fields this section shows (left out of "other fields")."""

    def as_json(self) -> dict[str, Any]:
        """The section as the page receives it."""
        return {"title": self.title, "kind": self.kind, "data": self.data, "open": self.open}


@dataclass(frozen=True)
class RecordSource:
    """Where a record was read: its output file and position (for sidecars beside the file)."""

    path: Path
    position: int


SectionFunction = Callable[[Record, RecordSource], "Section | None"]


@dataclass
class SectionRegistry:
    """Section functions in page order."""

    functions: list[tuple[str, SectionFunction]] = field(default_factory=list)

    def register(self, name: str) -> Callable[[SectionFunction], SectionFunction]:
        """Decorator: add a section function under `name` (after the ones registered before)."""

        def add(function: SectionFunction) -> SectionFunction:
            self.functions.append((name, function))
            return function

        return add

    def sections(self, record: Record, source: RecordSource, data_fields: frozenset[str]) -> list[Section]:
        """The sections of one record, then "other fields": what no section and no header showed."""
        found = [s for _, function in self.functions if (s := function(record, source)) is not None]
        used = SHOWN_ELSEWHERE | data_fields | {name for s in found for name in s.fields}
        rest = {k: v for k, v in record.items() if k not in used}
        if rest:
            found.append(Section("other fields", "json", rest, open=False))
        return found


SECTIONS = SectionRegistry()


@SECTIONS.register("reasoning")
def reasoning(record: Record, source: RecordSource) -> Section | None:
    """A reasoning model's thinking (`reasoning_content`), folded."""
    text = record.get(schema.REASONING_CONTENT)
    if not text:
        return None
    return Section("reasoning", "markdown", str(text), open=False, fields=("reasoning_content",))


@SECTIONS.register("code_steps")
def code_steps(record: Record, source: RecordSource) -> Section | None:
    """Tool-integrated reasoning: each executed block with its status and output."""
    steps = record.get(schema.CODE_STEPS)
    if not isinstance(steps, list) or not steps:
        return None
    keep = ("code", "status", "stdout", "stderr", "error", "wall_time", "execution_time", "output_truncated")
    rows = [{k: step.get(k) for k in keep if step.get(k) not in (None, "")} for step in steps if isinstance(step, dict)]
    extra = (schema.NUM_CODE_EXECUTIONS, schema.CODE_STOP_REASON, schema.NUM_TURNS)
    return Section(f"code execution ({len(rows)} step(s))", "code_steps", rows, fields=(schema.CODE_STEPS, *extra))


_EXECUTION_FIELDS = (
    "status", "execution_error", "execution_time", "execution_output", "stdout", "stderr", "test_results", "tests",
    "num_tests_passed", "num_tests",
)


@SECTIONS.register("execution")
def execution(record: Record, source: RecordSource) -> Section | None:
    """The execution judge's report for code benchmarks (status, error, time, output, per-test results)."""
    present = {k: record[k] for k in _EXECUTION_FIELDS if record.get(k) not in (None, "", [], {})}
    if not present:
        return None
    return Section("execution", "table", present, fields=tuple(present))


@SECTIONS.register("judgement")
def judgement(record: Record, source: RecordSource) -> Section | None:
    """The LLM judge's reasoning and verdict."""
    text = record.get(schema.JUDGEMENT)
    if not text:
        return None
    return Section("judge reasoning", "markdown", str(text), fields=(schema.JUDGEMENT,))


_TRAJECTORY_FIELDS = ("trajectory", "trajectories", "strategy_steps", "candidates", "revisions", "beams")


@SECTIONS.register("trajectory")
def trajectory(record: Record, source: RecordSource) -> Section | None:
    """A test-time strategy's trajectory (candidates, revisions, beams), as recorded."""
    present = {k: record[k] for k in _TRAJECTORY_FIELDS if record.get(k)}
    if not present:
        return None
    return Section("strategy trajectory", "json", present, fields=tuple(present))


def _confidence(logprob: Any) -> float | None:
    return round(math.exp(logprob), 4) if isinstance(logprob, (int, float)) else None


@SECTIONS.register("tokens")
def token_confidence(record: Record, source: RecordSource) -> Section | None:
    """Per-token confidence from token logs: nskit's `logprobs` ([{token, logprob, top_logprobs}]) or
    NeMo-Skills' parallel `tokens` and `logprobs` lists."""
    tokens, logprobs = record.get("tokens"), record.get(schema.LOGPROBS)
    if not isinstance(logprobs, list) or not logprobs:
        return None
    if all(isinstance(entry, dict) for entry in logprobs):
        pairs = [[str(e.get("token", "")), _confidence(e.get("logprob"))] for e in logprobs]
    elif isinstance(tokens, list) and len(tokens) == len(logprobs):
        pairs = [[str(t), _confidence(lp)] for t, lp in zip(tokens, logprobs)]
    else:
        return None
    return Section("token confidence", "tokens", pairs, open=False, fields=("tokens", "logprobs", "top_logprobs"))


@functools.lru_cache(maxsize=512)
def _token_log(path: Path, size: int, mtime_ns: int) -> TokenLogIndex | None:
    """The frame index of one sidecar, built once per version of the file."""
    return TokenLogIndex.build(path)


@SECTIONS.register("token_log")
def token_log(record: Record, source: RecordSource) -> Section | None:
    """Per-step confidence from the `.tokens` sidecar (`++inference.token_log=K`): the chosen token's probability
    and rank at each step (the sidecar holds token ids, not text)."""
    path = token_log_path(source.path)
    if not path.exists():
        return None
    stat = path.stat()
    index = _token_log(path, stat.st_size, stat.st_mtime_ns)
    steps = index.steps(source.position) if index is not None else None
    if steps is None or not len(steps):
        return None
    probs = [round(float(p), 3) for p in steps.chosen_probs]
    ranks = [int(r) for r in steps.ranks]
    low = sum(p < 0.5 for p in probs)
    title = f"token log ({len(probs)} steps, mean p {sum(probs) / len(probs):.2f}, {low} below 0.5)"
    return Section(title, "steps", {"probs": probs, "ranks": ranks, "k": steps.k}, open=False)

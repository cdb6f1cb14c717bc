"""The output record: the one place that names the fields of a line of an output file and gives their types.

A record is the input problem (its fields kept as they are) plus what each step adds: generation, grading, the
LLM judge, `fill_majority`. Files written by NeMo-Skills use the same names (2024 files: `is_correct`). Code
reads and writes records as plain dicts keyed by these constants; `OutputRecord` states the types (tests check
every writer against it).
"""

from __future__ import annotations

from typing import Any

import msgspec

# -- input fields the steps rely on
ID = "id"
PROBLEM = "problem"
EXPECTED_ANSWER = "expected_answer"

# -- generation (`ns generate`)
GENERATION = "generation"
FINISH_REASON = "finish_reason"
NUM_INPUT_TOKENS = "num_input_tokens"
NUM_GENERATED_TOKENS = "num_generated_tokens"
NUM_RETRIES = "num_retries"
LOGPROBS = "logprobs"
GENERATION_START_TIME = "generation_start_time"
GENERATION_END_TIME = "generation_end_time"
GENERATION_TIME = "generation_time"
ERROR = "error"
"""The request failed for good: the reason (the record has an empty generation)."""

# -- reasoning models (`++parse_reasoning`, or the server's split): `generation` then holds only the answer
REASONING_CONTENT = "reasoning_content"
FINISHED_THINKING = "finished_thinking"
NUM_REASONING_TOKENS = "num_reasoning_tokens"
NUM_ANSWER_TOKENS = "num_answer_tokens"

# -- tool-integrated reasoning (`++code_execution=true`)
NUM_TURNS = "num_turns"
NUM_CODE_EXECUTIONS = "num_code_executions"
CODE_STOP_REASON = "code_stop_reason"
CODE_STEPS = "code_steps"
"""Each executed block: its code, output and timing."""

# -- test-time scaling (`++strategy=NAME`)
STRATEGY = "strategy"
"""The strategy's name, on each record it wrote."""
TRAJECTORY = "trajectory"
"""Everything the strategy did (candidates, scores, critiques, rounds, beam steps), under one field."""
CANDIDATES = "candidates"
"""Under `trajectory`: the answers a strategy weighed, each a small record (its generation, answer, score)."""
NUM_REQUESTS = "num_requests"
"""Model requests one problem took (all calls of its strategy, scorers' included)."""

# -- metrics inputs written by other tools (NeMo-Skills): a reward model's score, the metrics subset
REWARD_MODEL_SCORE = "reward_model_score"
SUBSET_FOR_METRICS = "subset_for_metrics"

# -- grading (`ns grade`)
PREDICTED_ANSWER = "predicted_answer"
SYMBOLIC_CORRECT = "symbolic_correct"
IS_CORRECT = "is_correct"
"""The 2024 NeMo-Skills name of `symbolic_correct` (read, never written)."""
GRADING_ERROR = "grading_error"

# -- code benchmarks: input fields, and what the execution judge writes (`ns grade` on code; predicted_answer is
#    the program that was run)
TEST_CODE = "test_code"
"""The program appended to a candidate; it passes when the whole runs without an exception."""
COMPLETION_PREFIX = "completion_prefix"
"""The code a raw completion continues (HumanEval's signature and docstring)."""
PASSED = "passed"
STATUS = "status"
"""passed | failed | timeout | error | no_code (nskit.sandbox.verdict)."""
EXECUTION_ERROR = "execution_error"
EXECUTION_TIME = "execution_time"

# -- LLM judge (`ns llm_math_judge`)
JUDGEMENT = "judgement"
JUDGE_CORRECT = "judge_correct"
JUDGE_ERROR = "judge_error"
JUDGE_NO_VERDICT = "judge_no_verdict"
JUDGE_FIELDS = (JUDGEMENT, JUDGE_CORRECT, JUDGE_ERROR, JUDGE_NO_VERDICT)
"""Everything the judge writes: dropped when a record is judged again or its answer changes."""

# -- majority voting (`ns fill_majority`)
MAJORITY_VOTES = "majority_votes"
TOTAL_VOTES = "total_votes"
ANSWER_CLASS = "answer_class"
PREDICTED_ANSWER_BEFORE_MAJORITY = "predicted_answer_before_majority"


class OutputRecord(msgspec.Struct, omit_defaults=True, forbid_unknown_fields=False):
    """The types of the fields nskit writes (all optional: each step adds its own; input fields pass through)."""

    id: Any = None
    problem: Any = None
    expected_answer: Any = None
    generation: str | None = None
    finish_reason: str | None = None
    num_input_tokens: int | None = None
    num_generated_tokens: int | None = None
    num_retries: int | None = None
    logprobs: list[dict[str, Any]] | None = None
    generation_start_time: float | None = None
    generation_end_time: float | None = None
    generation_time: float | None = None
    error: str | None = None
    reasoning_content: str | None = None
    finished_thinking: bool | None = None
    num_reasoning_tokens: int | None = None
    num_answer_tokens: int | None = None
    num_turns: int | None = None
    num_code_executions: int | None = None
    code_stop_reason: str | None = None
    code_steps: list[dict[str, Any]] | None = None
    strategy: str | None = None
    trajectory: dict[str, Any] | None = None
    num_requests: int | None = None
    reward_model_score: float | None = None
    subset_for_metrics: str | None = None
    predicted_answer: str | None = None
    symbolic_correct: bool | None = None
    is_correct: bool | None = None
    grading_error: str | None = None
    test_code: str | None = None
    completion_prefix: str | None = None
    passed: bool | None = None
    status: str | None = None
    execution_error: str | None = None
    execution_time: float | None = None
    judgement: str | None = None
    judge_correct: bool | None = None
    judge_error: str | None = None
    judge_no_verdict: str | None = None
    majority_votes: int | None = None
    total_votes: int | None = None
    answer_class: int | None = None
    predicted_answer_before_majority: str | None = None


FIELDS = frozenset(OutputRecord.__struct_fields__)
"""Every field name of the schema."""


def check_record(record: dict[str, Any]) -> OutputRecord:
    """Validate the schema fields of one record (others are ignored); msgspec.ValidationError names a bad one."""
    return msgspec.convert(record, OutputRecord)


def trajectory_candidates(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The candidates a strategy kept under `trajectory.candidates` (the dict entries; [] for any other record)."""
    trajectory = record.get(TRAJECTORY)
    found = trajectory.get(CANDIDATES) if isinstance(trajectory, dict) else None
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []

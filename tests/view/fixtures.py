"""Small output dirs for the viewer tests: every state a cell can have, LaTeX, code steps, two runs to compare."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

SEEDS = 4
PROBLEMS = 12
DISAGREE = 3
"""Problem (0-based) whose rs1 record the symbolic grader calls right and the judge wrong."""
TIR = 5
"""Problem whose records carry code-execution steps."""


def _answer(problem: int, seed: int, flipped: bool) -> str | None:
    """Who answers what: problem 0 always right, 1 always wrong, 2 never answers, others mixed."""
    if problem == 0:
        return "\\frac{1}{2}"
    if problem == 1:
        return "7" if not flipped else "\\frac{3}{4}"
    if problem == 2:
        return None
    return str(problem) if (problem + seed) % 3 else str(problem + 1)


def _expected(problem: int) -> str:
    return {0: "\\frac{1}{2}", 1: "\\frac{3}{4}", 2: "9"}.get(problem, str(problem))


def _record(problem: int, seed: int | None, flipped: bool) -> dict[str, Any]:
    answer = _answer(problem, seed or 0, flipped)
    expected = _expected(problem)
    correct = answer is not None and answer == expected
    text = f"Let $x_{problem} = {problem}$. We find that the value is $\\boxed{{{answer}}}$." if answer else "I am not sure."
    record: dict[str, Any] = {
        "id": f"p{problem}",
        "problem": f"Problem {problem}: compute $\\frac{{{problem}}}{{2}} + x^2$ where $x = 0$. **Show** the steps.",
        "expected_answer": expected,
        "level": f"Level {1 + problem % 3}",
        "subject": "Algebra" if problem % 2 else "Geometry",
        "generation": text,
        "num_generated_tokens": 20 + problem,
        "generation_start_time": 1_700_000_000.0,
        "generation_end_time": 1_700_000_004.0 + problem,
        "predicted_answer": answer,
        "symbolic_correct": correct,
        "judgement": f"The answer matches.\nJudgement: {'Yes' if correct else 'No'}",
        "judge_correct": correct,
    }
    if problem == DISAGREE and seed == 1:
        record["judge_correct"] = not correct
        record["judgement"] = f"Close enough.\nJudgement: {'Yes' if not correct else 'No'}"
    if problem == 4 and seed == 2:
        record["error"] = "server returned 500 three times"
        record["generation"] = ""
        record["predicted_answer"] = None
        record["symbolic_correct"] = False
        record["judge_correct"] = False
    if problem == 6 and seed == 3:
        record["grading_error"] = "timeout after 10 s comparing answers"
    if problem == TIR:
        record["code_steps"] = [
            {"code": "print(5 * 1)", "status": "completed", "stdout": "5\n", "stderr": "", "wall_time": 0.01},
        ]
        record["reasoning_content"] = "Think: *five* times one is $5$."
    if problem == 7:
        tokens = ["The", " answer", " is", " 7"]
        record["tokens"] = tokens
        record["logprobs"] = [math.log(p) for p in (0.9, 0.6, 0.95, 0.2)]
    return record


def write_run(root: Path, *, flipped: bool = False, benchmark: str = "math") -> Path:
    """Write `<root>/eval-results/<benchmark>/` with output.jsonl and SEEDS seed files; returns root."""
    folder = root / "eval-results" / benchmark
    folder.mkdir(parents=True, exist_ok=True)
    files = {"output.jsonl": None, **{f"output-rs{seed}.jsonl": seed for seed in range(SEEDS)}}
    for name, seed in files.items():
        lines = [json.dumps(_record(problem, seed, flipped)) for problem in range(PROBLEMS)]
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` with its size and modification time (to check that nothing was written)."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(root.rglob("*"))}


def write_code_run(root: Path, benchmark: str = "mbpp") -> Path:
    """A code benchmark graded by execution (`passed`, `status`, ...): 3 problems, greedy and 2 seeds."""
    folder = root / "eval-results" / benchmark
    folder.mkdir(parents=True, exist_ok=True)
    for name, seed in {"output.jsonl": 0, "output-rs0.jsonl": 0, "output-rs1.jsonl": 1}.items():
        lines = []
        for problem in range(3):
            program = f"def add(a, b):\n    return a + b + {(problem + seed) % 2}"
            passed = (problem + seed) % 2 == 0
            lines.append(json.dumps({
                "id": f"task{problem}",
                "problem": f"Write `add(a, b)` for task {problem}.",
                "test_code": "assert add(1, 2) == 3",
                "generation": f"Here it is:\n```python\n{program}\n```\n",
                "predicted_answer": program,
                "passed": passed,
                "status": "passed" if passed else "failed",
                "execution_error": None if passed else "AssertionError",
                "execution_time": 0.02,
            }))
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root

"""Hand-built output dirs with known answers for the golden tests (every number worked out by hand)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _write(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _rec(pid: str, expected: str, answer: str | None, sym: bool, **extra: Any) -> dict[str, Any]:
    return {"id": pid, "problem": f"problem {pid}", "expected_answer": expected, "predicted_answer": answer,
            "symbolic_correct": sym, **extra}


def build_alpha(folder: Path) -> None:
    """4 problems, greedy + 3 seeds; rs0 and rs1 judged, rs2 not (mixed); ties; a problem never answered.

    A (1):  rs0 "1" T/jT   rs1 "1" T/jT   rs2 "2" F
    B (5):  rs0 "5" T/jT   rs1 "6" F/jT   rs2 None
    C (7):  all None (judge: F, F)
    D (3):  rs0 "4" F/jT   rs1 "3" T/jT   rs2 " 3 " T   (normalised like "3")
    greedy: A "1" T/Yes, B "5" T/No, C None (error), D "3" T/Yes; judged through `judgement` text only.
    rs1 uses the 2024 field name `is_correct`; tokens 10/20/30 per record in rs0/rs1/rs2.
    """
    expected = {"A": "1", "B": "5", "C": "7", "D": "3"}
    seeds = {
        0: [("A", "1", True, True), ("B", "5", True, True), ("C", None, False, False), ("D", "4", False, True)],
        1: [("A", "1", True, True), ("B", "6", False, True), ("C", None, False, False), ("D", "3", True, True)],
        2: [("A", "2", False, None), ("B", None, False, None), ("C", None, False, None), ("D", " 3 ", True, None)],
    }
    for seed, rows in seeds.items():
        records = []
        for pid, answer, sym, judge in rows:
            record = _rec(pid, expected[pid], answer, sym, num_generated_tokens=10 * (seed + 1))
            if seed == 1:
                record["is_correct"] = record.pop("symbolic_correct")
            if judge is not None:
                record["judge_correct"] = judge
            records.append(record)
        _write(folder / f"output-rs{seed}.jsonl", records)
    greedy = [
        _rec("A", "1", "1", True, judgement="Same number.\nJudgement: Yes"),
        _rec("B", "5", "5", True, judgement="Judgement: yes... no wait.\nJudgement: **No**"),
        _rec("C", "7", None, False, judgement="Judgement: No", error="generation timed out"),
        _rec("D", "3", "3", True, judgement="Judgement: Yes"),
    ]
    _write(folder / "output.jsonl", greedy)


def build_beta(folder: Path) -> None:
    """3 problems, seeds rs2 and rs10 (ordered by number), a missing record and a grading error, no judge.

    X (a): rs2 "a" T     rs10 "a" T
    Y (b): rs2 "q" F (grading_error)   rs10 "b" T
    Z (c): rs2 "c" T     rs10: missing
    """
    _write(folder / "output-rs10.jsonl", [_rec("X", "a", "a", True), _rec("Y", "b", "b", True)])
    _write(
        folder / "output-rs2.jsonl",
        [_rec("X", "a", "a", True), _rec("Y", "b", "q", False, grading_error="timeout after 10 s"), _rec("Z", "c", "c", True)],
    )


def _stat(avg: float, std: float, sample_std: float, k: int) -> dict[str, float]:
    """A NeMo-Skills `<series>_statistics` entry (fractions for correctness, tokens for token counts)."""
    return {"avg": avg, "std_dev_across_runs": std, "avg_sample_std_dev": sample_std,
            "std_err_across_runs": std / k ** 0.5}


_R2 = 2 ** 0.5 / 2  # sample std of (0, 1)
_R3 = 3 ** -0.5  # sample std of (1, 1, 0)
_ZERO2 = _stat(0.0, 0.0, 0.0, 2)

# Expected JSON, percentages 0-100, in NeMo-Skills' layout: avg_tokens and gen_seconds of all files of the
# benchmark, truncated; pass@1[avg-of-1] left out (it is pass@1 of one file); statistics as fractions.
ALPHA = {
    "greedy": {"num_entries": 4, "judge_correct": 50.0, "symbolic_correct": 75.0, "both_correct": 50.0,
               "any_correct": 75.0, "no_answer": 25.0, "num_errors": 1},
    "pass@1[avg-of-2]": {"num_entries": 4, "avg_tokens": 20, "symbolic_correct": 50.0, "judge_correct": 75.0,
                         "both_correct": 50.0, "any_correct": 75.0, "no_answer": 25.0,
                         "reasoning_tokens_statistics": _ZERO2,
                         "answer_tokens_statistics": _stat(15.0, 50 ** 0.5, 50 ** 0.5, 2),
                         "symbolic_correct_statistics": _stat(0.5, 0.0, 2 * _R2 / 4, 2),
                         "judge_correct_statistics": _stat(0.75, 0.0, 0.0, 2),
                         "both_correct_statistics": _stat(0.5, 0.0, 2 * _R2 / 4, 2),
                         "any_correct_statistics": _stat(0.75, 0.0, 0.0, 2)},
    "pass@1[avg-of-3]": {"num_entries": 4, "avg_tokens": 20, "symbolic_correct": 125 / 3, "no_answer": 100 / 3,
                         "reasoning_tokens_statistics": _stat(0.0, 0.0, 0.0, 3),
                         "answer_tokens_statistics": _stat(20.0, 10.0, 10.0, 3),
                         "symbolic_correct_statistics": _stat(5 / 12, 0.14433756729740644, 3 * _R3 / 4, 3)},
    "majority@2": {"num_entries": 4, "avg_tokens": 20, "symbolic_correct": 50.0, "judge_correct": 75.0,
                   "both_correct": 50.0, "any_correct": 75.0, "no_answer": 25.0},
    "majority@3": {"num_entries": 4, "avg_tokens": 20, "symbolic_correct": 62.5, "no_answer": 25.0},
    "pass@1": {"num_entries": 4, "avg_tokens": 20, "symbolic_correct": 125 / 3, "no_answer": 25.0},
    "pass@2": {"num_entries": 4, "avg_tokens": 20, "symbolic_correct": 200 / 3, "no_answer": 25.0},
    "pass@3": {"num_entries": 4, "avg_tokens": 20, "symbolic_correct": 75.0, "no_answer": 25.0},
}

BETA = {
    "pass@1[avg-of-2]": {"num_entries": 3, "symbolic_correct": 200 / 3, "no_answer": 50 / 3,
                         "reasoning_tokens_statistics": _ZERO2, "answer_tokens_statistics": _ZERO2,
                         "symbolic_correct_statistics": _stat(2 / 3, 0.0, 2 * _R2 / 3, 2),
                         "num_grading_errors": 1, "num_missing": 1},
    "majority@2": {"num_entries": 3, "symbolic_correct": 250 / 3, "no_answer": 0.0, "num_grading_errors": 1,
                   "num_missing": 1},
    "pass@1": {"num_entries": 3, "symbolic_correct": 200 / 3, "no_answer": 0.0, "num_grading_errors": 1,
               "num_missing": 1},
    "pass@2": {"num_entries": 3, "symbolic_correct": 100.0, "no_answer": 0.0, "num_grading_errors": 1,
               "num_missing": 1},
}

# Printed tables (NeMo-Skills' rows: k = N only): row name -> cells in column order (header included).
ALPHA_TABLE = [
    ["evaluation_mode", "num_entries", "avg_tokens", "judge_correct", "symbolic_correct", "no_answer"],
    ["greedy *", "4", "", "50.00%", "75.00%", "25.00%"],
    ["pass@1[avg-of-3]", "4", "20", "", "41.67% ± 14.43%", "33.33%"],
    ["majority@3", "4", "20", "", "62.50%", "25.00%"],
    ["pass@3", "4", "20", "", "75.00%", "25.00%"],
]

BETA_TABLE = [
    ["evaluation_mode", "num_entries", "symbolic_correct", "no_answer"],
    ["pass@1[avg-of-2] *", "3", "66.67% ± 0.00%", "16.67%"],
    ["majority@2 *", "3", "83.33%", "0.00%"],
    ["pass@2 *", "3", "100.00%", "0.00%"],
]

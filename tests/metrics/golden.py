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


# Expected JSON, percentages 0-100 (None: the key must be absent).
ALPHA = {
    "greedy": {"num_entries": 4, "judge_correct": 50.0, "symbolic_correct": 75.0, "both_correct": 50.0,
               "any_correct": 75.0, "no_answer": 25.0, "num_errors": 1},
    "pass@1[avg-of-1]": {"num_entries": 4, "avg_tokens": 10.0, "symbolic_correct": 50.0, "judge_correct": 75.0,
                         "both_correct": 50.0, "any_correct": 75.0, "no_answer": 25.0},
    "pass@1[avg-of-2]": {"num_entries": 4, "avg_tokens": 15.0, "symbolic_correct": 50.0, "judge_correct": 75.0,
                         "both_correct": 50.0, "any_correct": 75.0, "no_answer": 25.0,
                         "symbolic_correct_statistics": {"avg": 50.0, "std_dev_across_runs": 0.0},
                         "judge_correct_statistics": {"avg": 75.0, "std_dev_across_runs": 0.0},
                         "both_correct_statistics": {"avg": 50.0, "std_dev_across_runs": 0.0},
                         "any_correct_statistics": {"avg": 75.0, "std_dev_across_runs": 0.0}},
    "pass@1[avg-of-3]": {"num_entries": 4, "avg_tokens": 20.0, "symbolic_correct": 125 / 3, "no_answer": 100 / 3,
                         "symbolic_correct_statistics": {"avg": 125 / 3, "std_dev_across_runs": 14.433756729740644}},
    "majority@2": {"num_entries": 4, "avg_tokens": 15.0, "symbolic_correct": 50.0, "judge_correct": 75.0,
                   "both_correct": 50.0, "any_correct": 75.0, "no_answer": 25.0},
    "majority@3": {"num_entries": 4, "avg_tokens": 20.0, "symbolic_correct": 62.5, "no_answer": 25.0},
    "pass@1": {"num_entries": 4, "avg_tokens": 20.0, "symbolic_correct": 125 / 3, "no_answer": 25.0},
    "pass@2": {"num_entries": 4, "avg_tokens": 20.0, "symbolic_correct": 200 / 3, "no_answer": 25.0},
    "pass@3": {"num_entries": 4, "avg_tokens": 20.0, "symbolic_correct": 75.0, "no_answer": 25.0},
}

BETA = {
    "pass@1[avg-of-1]": {"num_entries": 3, "symbolic_correct": 200 / 3, "no_answer": 0.0, "num_grading_errors": 1},
    "pass@1[avg-of-2]": {"num_entries": 3, "symbolic_correct": 200 / 3, "no_answer": 50 / 3,
                         "symbolic_correct_statistics": {"avg": 200 / 3, "std_dev_across_runs": 0.0},
                         "num_grading_errors": 1, "num_missing": 1},
    "majority@2": {"num_entries": 3, "symbolic_correct": 250 / 3, "no_answer": 0.0, "num_grading_errors": 1,
                   "num_missing": 1},
    "pass@1": {"num_entries": 3, "symbolic_correct": 200 / 3, "no_answer": 0.0, "num_grading_errors": 1,
               "num_missing": 1},
    "pass@2": {"num_entries": 3, "symbolic_correct": 100.0, "no_answer": 0.0, "num_grading_errors": 1,
               "num_missing": 1},
}

# Printed tables: row name -> cells in column order (header included).
ALPHA_TABLE = [
    ["evaluation_mode", "num_entries", "avg_tokens", "judge_correct", "symbolic_correct", "both_correct",
     "any_correct", "no_answer"],
    ["greedy *", "4", "", "50.00%", "75.00%", "50.00%", "75.00%", "25.00%"],
    ["pass@1[avg-of-3]", "4", "20", "", "41.67% ± 14.43%", "", "", "33.33%"],
    ["majority@2", "4", "15", "75.00%", "50.00%", "50.00%", "75.00%", "25.00%"],
    ["majority@3", "4", "20", "", "62.50%", "", "", "25.00%"],
    ["pass@1", "4", "20", "", "41.67%", "", "", "25.00%"],
    ["pass@2", "4", "20", "", "66.67%", "", "", "25.00%"],
    ["pass@3", "4", "20", "", "75.00%", "", "", "25.00%"],
]

BETA_TABLE = [
    ["evaluation_mode", "num_entries", "symbolic_correct", "no_answer"],
    ["pass@1[avg-of-2] *", "3", "66.67% ± 0.00%", "16.67%"],
    ["majority@2 *", "3", "83.33%", "0.00%"],
    ["pass@1 *", "3", "66.67%", "0.00%"],
    ["pass@2 *", "3", "100.00%", "0.00%"],
]

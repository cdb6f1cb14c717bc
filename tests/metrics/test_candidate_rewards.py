"""rm_best@k / rm_majority@k of a best_of_n run: its reward-scored candidates graded by `ns grade`, read as k seeds."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nskit.cli.app import app

# (answer in \boxed{}, or None for no answer; reward) per candidate; expected answers 5, 3, 1.
PROBLEMS = [
    ("5", [("5", 0.2), ("7", 0.9), ("5", 0.8)]),
    ("3", [("3", 0.6), (None, 0.99), ("4", 0.4)]),
    ("1", [("1", 0.5), ("1", 0.5), ("2", 0.9)]),
]


def _record(index: int, expected: str, candidates: list[tuple[str | None, float]]) -> dict:
    texts = [f"so \\boxed{{{a}}}" if a is not None else "I do not know" for a, _ in candidates]
    best = max(range(len(candidates)), key=lambda i: (candidates[i][1], -i))
    return {
        "id": f"gsm8k-{index}", "problem": f"problem {index}", "expected_answer": expected,
        "generation": texts[best], "strategy": "best_of_n", "num_requests": 3, "num_generated_tokens": 30,
        "trajectory": {"scorer": "reward_model", "best": best, "candidates": [
            {"generation": t, "reward_model_score": r, "predicted_answer": a} for t, (a, r) in zip(texts, candidates)
        ]},
    }


def test_rm_best_and_rm_majority_over_graded_candidates(tmp_path: Path) -> None:
    output = tmp_path / "eval-results" / "gsm8k" / "output.jsonl"
    output.parent.mkdir(parents=True)
    output.write_text("".join(json.dumps(_record(i, e, c)) + "\n" for i, (e, c) in enumerate(PROBLEMS)))
    runner = CliRunner()
    graded = runner.invoke(app, ["grade", "--input_files", str(output)])
    assert graded.exit_code == 0, graded.output
    records = [json.loads(line) for line in output.read_text().splitlines()]
    assert [[c["symbolic_correct"] for c in r["trajectory"]["candidates"]] for r in records] == [
        [True, False, True], [True, False, False], [True, True, False]]
    assert records[1]["trajectory"]["candidates"][1]["predicted_answer"] is None
    assert "3 records" in graded.output  # candidates are graded but not counted as records

    result = runner.invoke(app, ["summarize_results", str(tmp_path), "--json", str(tmp_path / "metrics.json")])
    assert result.exit_code == 0, result.output
    lines = {line.split("|")[0].strip(): [c.strip() for c in line.split("|")[1:]]
             for line in result.output.splitlines() if "|" in line}
    # k=3: rm_best picks 7 (wrong), 3 (the 0.99 candidate has no answer), 2 (wrong) -> 1 of 3;
    # rm_majority sums 5: 1.0 > 7: 0.9, 3: 0.6 > 4: 0.4, 1: 1.0 > 2: 0.9 -> 3 of 3.
    correct = lines["evaluation_mode"].index("symbolic_correct")
    assert [lines["rm_best@3"][0], lines["rm_best@3"][correct]] == ["3", "33.33%"]
    assert [lines["rm_majority@3"][0], lines["rm_majority@3"][correct]] == ["3", "100.00%"]
    assert lines["greedy"][correct] == "0.00%"  # the run's own picks: 7, the unanswered one, 2
    metrics = json.loads((tmp_path / "metrics.json").read_text())["gsm8k"]
    # k=1: every first candidate is right; k=2: problem 0 picks 7 by best and by summed reward
    assert metrics["rm_best@1"]["symbolic_correct"] == metrics["rm_majority@1"]["symbolic_correct"] == 100.0
    assert round(metrics["rm_best@2"]["symbolic_correct"], 2) == 66.67
    assert round(metrics["rm_majority@2"]["symbolic_correct"], 2) == 66.67


def test_ungraded_candidates_give_no_reward_rows(tmp_path: Path) -> None:
    from nskit.metrics.candidates import candidate_reward_rows

    output = tmp_path / "output.jsonl"
    output.write_text("".join(json.dumps(_record(i, e, c)) + "\n" for i, (e, c) in enumerate(PROBLEMS)))
    assert candidate_reward_rows(output) == []  # not graded yet: no correctness to pick by reward

"""Per-subset sections from the adapter's subset fields, and the single fused majority file labelled majority@1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nskit.cli.app import app
from nskit.metrics import summarize


def _write(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def test_math_sections_by_level_and_subject(tmp_path: Path) -> None:
    records = [
        {"id": "a", "level": 1, "subject": "Algebra", "predicted_answer": "1", "symbolic_correct": True},
        {"id": "b", "level": 5, "subject": "Algebra", "predicted_answer": "2", "symbolic_correct": False},
        {"id": "c", "level": 5, "subject": "Geometry", "predicted_answer": None, "symbolic_correct": False},
    ]
    _write(tmp_path / "eval-results" / "math" / "output.jsonl", records)
    results = {b.name: b for b in summarize(tmp_path).benchmarks}
    assert list(results) == ["math", "math-level-1", "math-level-5", "math-subject-Algebra", "math-subject-Geometry"]
    assert results["math"].row("greedy").values["symbolic_correct"] == pytest.approx(100 / 3)
    assert results["math-level-5"].row("greedy").num_entries == 2
    assert results["math-level-5"].row("greedy").values == {"symbolic_correct": 0.0, "no_answer": 50.0}
    assert results["math-subject-Algebra"].row("greedy").values["symbolic_correct"] == 50.0


def test_omni_math_sections_by_domain_and_difficulty(tmp_path: Path) -> None:
    records = [
        {"id": "x", "domain": ["Mathematics -> Algebra -> Linear Algebra"], "difficulty": 6.5,
         "predicted_answer": "1", "symbolic_correct": True},
        {"id": "y", "domain": ["Mathematics -> Geometry -> Plane Geometry"], "difficulty": 2.0,
         "predicted_answer": "1", "symbolic_correct": False},
    ]
    _write(tmp_path / "omni-math" / "output-rs0.jsonl", records)
    _write(tmp_path / "omni-math" / "output-rs1.jsonl", records)
    names = [b.name for b in summarize(tmp_path).benchmarks]
    assert names == ["omni-math", "omni-math-domain-Algebra", "omni-math-domain-Geometry",
                     "omni-math-difficulty-2", "omni-math-difficulty-6"]


def test_single_fused_majority_file_prints_majority_at_1(tmp_path: Path) -> None:
    records = [
        {"id": i, "predicted_answer": "4", "symbolic_correct": i == 0, "majority_votes": 3, "total_votes": 4,
         "judgement": "Judgement: Yes" if i == 0 else "Judgement: No"}
        for i in range(2)
    ]
    _write(tmp_path / "eval-results-majority" / "math" / "output-rs0.jsonl", records)
    result = CliRunner().invoke(app, ["summarize_results", str(tmp_path / "eval-results-majority")])
    assert result.exit_code == 0, result.output
    rows = [line.split(" | ") for line in result.stdout.splitlines() if " | " in line]
    assert [cell.strip() for cell in rows[0]] == [
        "evaluation_mode", "num_entries", "judge_correct", "symbolic_correct", "no_answer"]
    assert [cell.strip() for cell in rows[1]] == ["majority@1", "2", "50.00%", "50.00%", "0.00%"]
    assert len(rows) == 2

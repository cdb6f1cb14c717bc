"""++problem_ids, `ns failed_ids`, and the strategy table / budget plot on written files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nskit.config.generation import InferenceConfig
from nskit.errors import UserError
from nskit.generation.command import problem_id_set
from nskit.generation.jobs import GenerationJob
from nskit.prompt.render import load_prompt_config
from nskit.metrics.failed_ids import failed_ids
from nskit.metrics.strategies import format_rows, save_budget_plot, strategy_rows
from tests.helpers import ns


def _write(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_failed_ids_writes_the_wrong_and_errored_ones(tmp_path: Path) -> None:
    graded = _write(tmp_path / "output.jsonl", [
        {"id": "a", "symbolic_correct": True}, {"id": "b", "symbolic_correct": False},
        {"id": "c", "error": "timeout", "generation": ""}])
    assert failed_ids(graded) == ["b", "c"]
    result = ns("failed_ids", "--input_file", str(graded), "--output_file", str(tmp_path / "hard.txt"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "hard.txt").read_text() == "b\nc\n"
    _write(tmp_path / "ungraded.jsonl", [{"id": "a", "generation": "x"}])
    with pytest.raises(UserError, match=r"ungraded.jsonl:1: record is not graded"):
        failed_ids(tmp_path / "ungraded.jsonl")


def test_problem_ids_select_inputs_by_id(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", [{"id": f"p{i}", "problem": f"q{i}"} for i in range(6)])
    ids = tmp_path / "ids.txt"
    ids.write_text("# hard ones\np4\n\np1\n")
    assert problem_id_set(str(ids)) == {"p1", "p4"}
    assert problem_id_set(["p1", 3]) == {"p1", "3"}
    with pytest.raises(UserError, match="no such file"):
        problem_id_set(str(tmp_path / "missing.txt"))
    job = GenerationJob(input_file=source, output_file=tmp_path / "out.jsonl",
                        prompt_config=load_prompt_config("generic/math"), inference=InferenceConfig(),
                        problem_ids=frozenset({"p1", "p4"}))
    assert [r["id"] for _, r in job.iter_inputs()] == ["p1", "p4"] and job.count_inputs() == 2
    assert job.fingerprint()["problem_ids"] == ["p1", "p4"]


def _run(root: Path, name: str, strategy: str | None, correct: list[bool], requests: int, tokens: int) -> None:
    extra = {"strategy": strategy, "num_requests": requests} if strategy else {}
    _write(root / name / "eval-results" / "gsm8k" / "output.jsonl", [
        {"id": i, "symbolic_correct": c, "num_generated_tokens": tokens, "num_input_tokens": 10, **extra}
        for i, c in enumerate(correct)])


def test_strategy_rows_and_budget_plot_data(tmp_path: Path) -> None:
    _run(tmp_path, "greedy", None, [True, False], 1, 100)
    _run(tmp_path, "bon2", "best_of_n", [True, False], 2, 200)
    _run(tmp_path, "bon4", "best_of_n", [True, True], 4, 400)
    rows = strategy_rows(tmp_path)
    assert [(r.strategy, r.run, r.accuracy, r.requests) for r in rows] == [
        ("best_of_n", "bon2", 50.0, 2.0), ("best_of_n", "bon4", 100.0, 4.0), ("greedy", "greedy", 50.0, 1.0)]
    assert "requests/problem" in format_rows(rows).splitlines()[0]
    png = tmp_path / "budget.png"
    series = save_budget_plot(rows, png)
    assert series == {"gsm8k": {"best_of_n": [(200.0, 50.0), (400.0, 100.0)], "greedy": [(100.0, 50.0)]}}
    assert png.read_bytes()[:4] == b"\x89PNG"

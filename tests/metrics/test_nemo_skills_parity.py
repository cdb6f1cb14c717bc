"""Summarize equals NeMo-Skills on its own shipped outputs: every printed cell (byte for byte) and metrics.json."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nskit.cli.app import app

DATA = Path(__file__).resolve().parents[1] / "data" / "nemo_skills"


def _same(ours: object, theirs: object, where: str = "") -> list[str]:
    """Every difference between two metrics.json trees (numbers within 1e-6, as NeMo-Skills' own test)."""
    if isinstance(theirs, dict):
        if not isinstance(ours, dict):
            return [f"{where}: {ours!r} is not an object"]
        diffs = [f"{where}: keys {sorted(set(ours) ^ set(theirs))} differ"] if set(ours) != set(theirs) else []
        return diffs + [d for key in theirs if key in ours for d in _same(ours[key], theirs[key], f"{where}/{key}")]
    if isinstance(theirs, (int, float)) and not isinstance(theirs, bool):
        if type(ours) is not type(theirs) or not math.isclose(ours, theirs, abs_tol=1e-6):  # type: ignore[arg-type]
            return [f"{where}: {ours!r} != {theirs!r}"]
        return []
    return [] if ours == theirs else [f"{where}: {ours!r} != {theirs!r}"]


@pytest.fixture()
def results(tmp_path: Path) -> Path:
    shutil.copytree(DATA / "eval-results", tmp_path / "eval-results")
    return tmp_path


@pytest.mark.parametrize(("majority", "max_seq_len"), [("string", None), ("class", None), ("string", 8192)])
def test_table_and_metrics_json_equal_nemo_skills(results: Path, majority: str, max_seq_len: int | None) -> None:
    suffix = f"-ms{max_seq_len}" if max_seq_len else ""
    limit = [f"++max_seq_len={max_seq_len}"] if max_seq_len else []
    result = CliRunner().invoke(app, ["summarize_results", str(results), "--majority", majority, *limit])
    assert result.exit_code == 0, result.output
    expected = (DATA / f"summarize_results_output{suffix}.txt").read_text(encoding="utf-8")
    stdout = result.stdout
    if max_seq_len:
        header, stdout = stdout.split("\n", 1)
        assert header == f" Metrics for Max Sequence Length {max_seq_len} ".center(len(expected.split("\n")[0]), "-")
    printed = stdout[: len(expected)]
    for line_number, (ours, theirs) in enumerate(zip(printed.split("\n"), expected.split("\n")), start=1):
        assert ours == theirs, f"line {line_number}:\n ours:   {ours!r}\n theirs: {theirs!r}"
    assert printed == expected
    ours = json.loads((results / "eval-results" / "metrics.json").read_text())
    theirs = json.loads((DATA / f"metrics{suffix}.json").read_text())
    assert _same(ours, theirs) == []
    assert list(ours) == ["hendrycks_math", "hendrycks_math-aime25", "hendrycks_math-aime24"]


def test_majority_string_votes_per_spelling_class_votes_per_grader_class(tmp_path: Path) -> None:
    """The one deliberate difference: `1/2` and `0.5` (one fill_majority class) are one vote by default."""
    answers = [("1/2", 0), ("0.5", 0), ("3", 1)]  # (answer, answer_class); 1/2 is right, 3 is wrong
    for seed, (answer, cls) in enumerate(answers):
        record = {"id": 0, "predicted_answer": answer, "answer_class": cls, "symbolic_correct": cls == 0,
                  "total_votes": 3}
        (tmp_path / "b").mkdir(exist_ok=True)
        (tmp_path / "b" / f"output-rs{seed}.jsonl").write_text(json.dumps(record) + "\n")
    from nskit.metrics import summarize

    by_class = summarize(tmp_path, majority="class").benchmarks[0].row("majority@3").values["symbolic_correct"]
    by_string = summarize(tmp_path, majority="string").benchmarks[0].row("majority@3").values["symbolic_correct"]
    assert (by_class, by_string) == (100.0, pytest.approx(200 / 3))  # string: a 3-way tie, 2 of 3 right

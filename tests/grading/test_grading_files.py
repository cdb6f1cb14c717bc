"""grade_files / `ns grade`: in-place atomic regrading of output files, NeMo-Skills files, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from nskit.cli import grade as grade_cli
from nskit.grading.files import grade_files
from nskit.records import RecordFileError


def _write(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# A record as NeMo-Skills writes it after generation (fields from its output files).
NEMO_RECORD = {
    "problem": "What is $1+1$?",
    "expected_answer": "2",
    "generation": "We add: $1+1=2$. Therefore the answer is $\\boxed{2}$.",
    "num_generated_tokens": 17,
    "generation_start_time": 1.0,
    "generation_end_time": 2.0,
    "predicted_answer": "stale",
    "symbolic_correct": False,
}


def test_grades_in_place_keeping_fields_and_order(tmp_path: Path) -> None:
    path = tmp_path / "output-rs0.jsonl"
    records = [
        NEMO_RECORD,
        {"id": 2, "expected_answer": "\\frac{1}{2}", "generation": "... \\boxed{0.5}"},
        {"id": 3, "expected_answer": "x^2+2x+1", "generation": "\\boxed{(x+1)^2}"},
        {"id": 4, "expected_answer": "3", "generation": "no idea"},
        {"id": 5, "expected_answer": 27.0, "generation": "\\boxed{27}"},
        {"id": 6, "expected_answer": "5", "generation": None},
        {"id": 7, "expected_answer": "4", "generation": "\\boxed{5}", "grading_error": "timeout after 1 s"},
    ]
    _write(path, records)
    summary = grade_files(str(tmp_path / "*.jsonl"), workers=2)
    graded = _read(path)
    assert [r["symbolic_correct"] for r in graded] == [True, True, True, False, True, False, False]
    assert [r["predicted_answer"] for r in graded] == ["2", "0.5", "(x+1)^2", None, "27", None, "5"]
    assert graded[0]["num_generated_tokens"] == 17 and list(graded[0])[:3] == ["problem", "expected_answer", "generation"]
    assert all("grading_error" not in r for r in graded)
    assert (summary.records, summary.correct, summary.no_answer, summary.errors) == (7, 4, 2, 0)
    assert "graded 7 records in 1 file(s): 4 correct (57.14%)" in summary.line()


def test_gsm8k_extraction(tmp_path: Path) -> None:
    path = tmp_path / "output.jsonl"
    _write(path, [{"expected_answer": "1200", "generation": "so 1,200 in total\n#### 1,200"}])
    grade_files(path, extraction="gsm8k", workers=1)
    assert _read(path)[0]["predicted_answer"] == "1200" and _read(path)[0]["symbolic_correct"] is True


def test_a_timed_out_check_is_recorded_as_such(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nskit.grading.files as files
    from nskit.grading.pool import WorkerPool

    path = tmp_path / "output.jsonl"
    _write(path, [{"expected_answer": "x+1", "generation": "\\boxed{1+x}"}, {"expected_answer": "2", "generation": "\\boxed{2}"}])
    from tests.grading.pool_tasks import POOL_TASKS

    original = WorkerPool.iter_run
    monkeypatch.setattr(files, "WorkerPool", lambda workers: WorkerPool(workers, task_modules=[POOL_TASKS]))
    monkeypatch.setattr(WorkerPool, "iter_run", lambda self, name, items, timeout: original(self, "sleep", [(60.0,)] * len(items), timeout=timeout))
    summary = files.grade_files(path, timeout=1.0, workers=1)
    first, second = _read(path)
    assert first["symbolic_correct"] is False and first["grading_error"] == "timeout after 1 s"
    assert second["symbolic_correct"] is True and "grading_error" not in second
    assert summary.timeouts == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"expected_answer": "1", "generation": "\\\\boxed{1}"}\n{"expected_answer": \n', ":2: malformed JSON"),
        ('{"expected_answer": "1", "generation": "x"}\n\n{"generation": "\\\\boxed{1}"}\n', ":3: missing required field"),
        ('{"expected_answer": "1"}\n', "neither 'generation' nor 'predicted_answer'"),
    ],
)
def test_bad_input_names_file_and_line_and_touches_nothing(tmp_path: Path, content: str, message: str) -> None:
    good = tmp_path / "a.jsonl"
    _write(good, [{"expected_answer": "1", "generation": "\\boxed{1}"}])
    bad = tmp_path / "b.jsonl"
    bad.write_text(content, encoding="utf-8")
    before = {p: p.read_bytes() for p in (good, bad)}
    with pytest.raises(RecordFileError, match=message) as error:
        grade_files([good, bad], workers=1)
    assert "b.jsonl" in str(error.value)
    assert {p: p.read_bytes() for p in (good, bad)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "b.jsonl"]  # no temp files left


def test_no_matching_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no files match"):
        grade_files(str(tmp_path / "*.jsonl"))


def test_cli_grades_and_prints_one_line_summary(tmp_path: Path) -> None:
    app = typer.Typer()
    grade_cli.register(app)
    app.command("noop")(lambda: None)  # a second command keeps `grade` a subcommand
    path = tmp_path / "output.jsonl"
    _write(path, [NEMO_RECORD, {"expected_answer": "7", "generation": "\\boxed{8}"}])
    result = CliRunner().invoke(app, ["grade", "--input_files", str(tmp_path / "*.jsonl"), "--num_workers", "1"])
    assert result.exit_code == 0, result.output
    assert "graded 2 records in 1 file(s): 1 correct (50.00%)" in result.output
    assert [r["symbolic_correct"] for r in _read(path)] == [True, False]
    bad = CliRunner().invoke(app, ["grade", "--input_files", str(tmp_path / "none*.jsonl")])
    assert bad.exit_code == 2 and "no files match" in bad.output
    unknown = CliRunner().invoke(app, ["grade", "--input_files", str(path), "--extraction", "nope"])
    assert unknown.exit_code != 0 and "unknown extraction" in unknown.output

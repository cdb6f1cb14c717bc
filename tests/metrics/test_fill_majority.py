"""fill_majority: votes over grader-equivalence classes, ties, missing answers, alignment, atomic rewrites."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nskit.cli.app import app
from nskit.metrics import summarize
from nskit.metrics.majority import fill_majority, order_by_seed
from nskit.records import RecordFileError, read_jsonl


def _seed_files(folder: Path, answers: dict[int, list[Any]], expected: list[str], **extra: Any) -> list[Path]:
    """One file per seed; answers[seed][problem]; symbolic_correct = string equality with expected."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed, row in answers.items():
        path = folder / f"output-rs{seed}.jsonl"
        records = [
            {"id": i, "problem": f"p{i}", "expected_answer": expected[i], "predicted_answer": a,
             "symbolic_correct": a is not None and a == expected[i], **extra}
            for i, a in enumerate(row)
        ]
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        paths.append(path)
    return paths


def _column(paths: list[Path], key: str, problem: int = 0) -> list[Any]:
    return [read_jsonl(p)[problem].get(key) for p in order_by_seed(paths)]


def test_equivalent_spellings_are_one_vote(tmp_path: Path) -> None:
    answers = {0: ["1"], 1: ["1/2"], 2: ["0.5"], 3: ["\\frac{1}{2}"], 4: ["1"]}
    paths = _seed_files(tmp_path, answers, ["0.5"])
    report = fill_majority(paths, "predicted_answer")
    assert _column(paths, "predicted_answer") == ["1/2"] * 5  # earliest spelling of the 3-vote class
    assert _column(paths, "majority_votes") == [3] * 5
    assert _column(paths, "total_votes") == [5] * 5
    assert _column(paths, "answer_class") == [1] * 5
    assert _column(paths, "symbolic_correct") == [False] * 5  # "1/2" != "0.5" as strings in this fixture
    assert report.problems == 1 and report.problems_changed == 1


def test_tie_goes_to_the_earliest_seed_by_number(tmp_path: Path) -> None:
    paths = _seed_files(tmp_path, {10: ["2"], 2: ["3"]}, ["3"])
    fill_majority(sorted(paths), "predicted_answer")  # string order would put rs10 first
    assert _column(paths, "predicted_answer") == ["3", "3"]
    assert _column(paths, "symbolic_correct") == [True, True]  # the majority answer's correctness


def test_missing_answers_are_ignored_and_none_answered_gives_none(tmp_path: Path) -> None:
    paths = _seed_files(tmp_path, {0: [None, None], 1: [None, "7"], 2: ["8", "7"]}, ["7", "7"])
    fill_majority(paths, "predicted_answer")
    assert _column(paths, "predicted_answer", 0) == ["8"] * 3
    assert _column(paths, "majority_votes", 0) == [1] * 3
    assert _column(paths, "predicted_answer", 1) == ["7"] * 3
    assert _column(paths, "majority_votes", 1) == [2] * 3
    none = _seed_files(tmp_path / "none", {0: [None], 1: [None]}, ["1"])
    fill_majority(none, "predicted_answer")
    assert _column(none, "predicted_answer") == [None, None]
    assert _column(none, "majority_votes") == [0, 0]
    assert _column(none, "answer_class") == [None, None]


def test_stale_judgements_are_dropped_when_the_answer_changes(tmp_path: Path) -> None:
    paths = _seed_files(tmp_path, {0: ["4"], 1: ["4"], 2: ["5"]}, ["4"], judgement="Judgement: Yes", judge_correct=True)
    fill_majority(paths, "predicted_answer")
    records = [read_jsonl(p)[0] for p in order_by_seed(paths)]
    assert [r.get("judge_correct") for r in records] == [True, True, None]
    assert records[2]["predicted_answer"] == "4" and records[2]["symbolic_correct"] is True


def test_expected_answer_fill_grades_by_class(tmp_path: Path) -> None:
    paths = _seed_files(tmp_path, {0: ["0.5"], 1: ["1/2"], 2: ["3"]}, ["unknown"])
    fill_majority(paths, "expected_answer")
    assert _column(paths, "expected_answer") == ["0.5"] * 3
    assert _column(paths, "symbolic_correct") == [True, True, False]
    assert _column(paths, "answer_class") == [0, 0, 1]


def test_ignore_if_not_none_leaves_set_values(tmp_path: Path) -> None:
    paths = _seed_files(tmp_path, {0: ["2"], 1: ["2"], 2: [None]}, ["2"])
    fill_majority(paths, "predicted_answer", ignore_if_not_none=True)
    records = [read_jsonl(p)[0] for p in order_by_seed(paths)]
    assert "majority_votes" not in records[0] and "majority_votes" not in records[1]
    assert records[2]["predicted_answer"] == "2" and records[2]["majority_votes"] == 2


def test_misaligned_files_are_refused_and_nothing_changes(tmp_path: Path) -> None:
    paths = _seed_files(tmp_path, {0: ["1", "2"], 1: ["1", "2"]}, ["1", "2"])
    lines = paths[1].read_text().splitlines()
    paths[1].write_text(lines[1] + "\n" + lines[0] + "\n")
    before = [p.read_bytes() for p in paths]
    with pytest.raises(RecordFileError, match="output-rs1.jsonl.*1.*not the problem"):
        fill_majority(paths, "predicted_answer")
    assert [p.read_bytes() for p in paths] == before
    paths[1].write_text(lines[0] + "\n")
    with pytest.raises(RecordFileError, match="1 records but output-rs0.jsonl has 2"):
        fill_majority(paths, "predicted_answer")


def test_second_run_changes_nothing_and_rewrites_nothing(tmp_path: Path) -> None:
    paths = _seed_files(tmp_path, {0: ["1"], 1: ["2"], 2: ["1"]}, ["1"])
    first = fill_majority(paths, "predicted_answer")
    assert first.changed == {paths[0]: 1, paths[1]: 1, paths[2]: 1}
    stamps = [p.stat().st_mtime_ns for p in paths]
    second = fill_majority(paths, "predicted_answer")
    assert set(second.changed.values()) == {0}
    assert [p.stat().st_mtime_ns for p in paths] == stamps


def test_summarize_counts_votes_by_fill_majority_class(tmp_path: Path) -> None:
    folder = tmp_path / "bench"
    paths = _seed_files(folder, {0: ["0.5"], 1: ["1/2"], 2: ["3"]}, ["0.5"])
    for path in paths:  # "1/2" is correct too: the grader says so
        records = read_jsonl(path)
        records[0]["symbolic_correct"] = records[0]["predicted_answer"] != "3"
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
    (plain,) = summarize(folder).benchmarks
    assert plain.row("majority@3").values["symbolic_correct"] == pytest.approx(200 / 3)  # 3-way string tie
    fill_majority(paths, "majority_answer")
    (by_class,) = summarize(folder).benchmarks
    assert by_class.row("majority@3").values["symbolic_correct"] == pytest.approx(100.0)
    assert by_class.warnings == []


def test_cli_lists_changed_files(tmp_path: Path) -> None:
    paths = _seed_files(tmp_path, {0: ["1"], 1: ["1"], 2: ["1"]}, ["1"])
    result = CliRunner().invoke(
        app, ["fill_majority", "--input_files", str(tmp_path / "output-rs*.jsonl"), "--fill_key", "predicted_answer"]
    )
    assert result.exit_code == 0, result.output
    for path in paths:
        assert f"{path}: 1 record(s) changed" in result.output  # majority_votes/total_votes/answer_class added
    assert result.output.strip().splitlines()[-1].startswith("fill_majority: 1 problems over 3 files")

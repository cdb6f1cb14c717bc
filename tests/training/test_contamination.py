"""`ns check_contamination`: a planted GSM8K test problem is flagged, a clean training file passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nskit.cli.app import app
from nskit.datasets import prepare_benchmark
from nskit.records import iter_jsonl, write_jsonl
from nskit.training import check_contamination
from nskit.training.contamination import HeldOutProblem


@pytest.fixture(scope="module")
def data_dir(mirror_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("data")
    prepare_benchmark("gsm8k", data, mirror_dir)
    prepare_benchmark("gsm8k", data, mirror_dir, split="train")
    return data


def sft_line(problem: str, answer: str) -> dict:
    return {"messages": [{"role": "system", "content": "Solve it."}, {"role": "user", "content": problem},
                         {"role": "assistant", "content": f"The answer is \\boxed{{{answer}}}."}]}


def check(data: Path, training: Path) -> tuple[int, str, dict]:
    result = CliRunner().invoke(app, ["check_contamination", str(training), "--benchmarks", "gsm8k",
                                      "--data_dir", str(data)])
    report = json.loads(training.with_name(training.stem + ".contamination.json").read_text())
    return result.exit_code, result.output, report


def test_planted_problem_is_flagged_and_clean_file_passes(data_dir: Path, tmp_path: Path) -> None:
    train = list(iter_jsonl(data_dir / "gsm8k" / "train.jsonl"))[:200]
    clean = tmp_path / "clean.jsonl"
    write_jsonl(clean, [sft_line(r["problem"], r["expected_answer"]) for r in train])
    code, output, report = check(data_dir, clean)
    assert code == 0, output
    assert "clean: none of 1319 test problems found in 200 training lines" in output
    assert report["flagged"] == [] and report["lines"] == 200

    test = list(iter_jsonl(data_dir / "gsm8k" / "test.jsonl"))
    planted_exact = "Please help: " + test[100]["problem"].upper().replace(" ", "  ")
    # A paraphrase that keeps most of the wording: one sentence changed.
    words = test[7]["problem"].split()
    planted_near = " ".join(words[: len(words) * 3 // 4]) + " What is the total?"
    lines = [sft_line(r["problem"], r["expected_answer"]) for r in train[:20]]
    lines.insert(5, sft_line(planted_exact, test[100]["expected_answer"]))
    lines.insert(12, sft_line(planted_near, "1"))
    dirty = tmp_path / "dirty.jsonl"
    write_jsonl(dirty, lines)
    code, output, report = check(data_dir, dirty)
    assert code == 1
    assert f"{dirty}:6: gsm8k gsm8k-100 (exact)" in output and f"{dirty}:13: gsm8k gsm8k-7 (" in output
    assert "2 of 22 training lines contain test problems" in output
    assert [(item["line"], item["test_id"], item["exact"]) for item in report["flagged"]] == [
        (6, "gsm8k-100", True), (13, "gsm8k-7", False)]
    assert report["flagged"][1]["overlap"] >= 0.5


def test_short_test_problem_matches_only_as_a_whole(tmp_path: Path) -> None:
    training = tmp_path / "train.jsonl"
    write_jsonl(training, [{"problem": "Q: What is two plus two?"}, {"problem": "What is two plus three?"}])
    tests = [HeldOutProblem("toy", "t0", ("what", "is", "two", "plus", "two"))]
    report = check_contamination(training, tests, n=10, threshold=0.5)
    assert [(item["line"], item["exact"]) for item in report["flagged"]] == [(1, True)]

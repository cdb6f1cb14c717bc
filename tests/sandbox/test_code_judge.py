"""The execution judge through `ns grade`: reference solutions pass, broken ones fail, resume, bad input.

The whole 664 reference solutions run in `bench/code_execution.py`; here a spread sample of each benchmark.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nskit.cli.app import app
from nskit.datasets import prepare_benchmark
from nskit.sandbox.judge import grade_code_files, grading_store
from nskit.grading.code.references import reference_generations
from nskit.records import RecordFileError, read_jsonl, write_jsonl
from nskit.sandbox import SandboxProcess

pytestmark = pytest.mark.sandbox
SAMPLE_EVERY = {"humaneval": 8, "mbpp": 25}


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed (.ci/install_sandbox.sh)")
    with SandboxProcess(args=["--workers", "4"]) as sandbox:
        yield sandbox.base_url


@pytest.fixture(scope="module")
def samples(mirror_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    data = tmp_path_factory.mktemp("data")
    chosen = {}
    for name, every in SAMPLE_EVERY.items():
        records = read_jsonl(prepare_benchmark(name, data, mirror_dir).path)
        chosen[name] = records[::every]
    return chosen


def _output(root: Path, name: str, records: list[dict], broken: bool = False) -> Path:
    path = root / "eval-results" / name / "output.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_jsonl(path, reference_generations(records, broken=broken))
    return path


def test_references_pass_and_broken_copies_fail_through_ns_grade(
    samples: dict[str, list[dict]], sandbox_url: str, tmp_path: Path
) -> None:
    good = [_output(tmp_path / "good", name, records) for name, records in samples.items()]
    bad = [_output(tmp_path / "bad", name, records, broken=True) for name, records in samples.items()]
    for files, passed in ((good, True), (bad, False)):
        result = CliRunner().invoke(app, ["grade", "--input_files", " ".join(map(str, files)),
                                          f"++sandbox_address={sandbox_url}"])
        assert result.exit_code == 0, result.output
        for path in files:
            records = read_jsonl(path)
            wrong = [(r["id"], r["status"], r["execution_error"][-200:]) for r in records if r["passed"] is not passed]
            assert wrong == [], path
            assert all(r["status"] == ("passed" if passed else "failed") for r in records)
            assert all(isinstance(r["execution_time"], float) for r in records)
        assert not list((tmp_path / ("good" if passed else "bad")).rglob("*-grading*")), "store left behind"


def test_ns_grade_starts_its_own_sandbox_and_reports_no_code(samples: dict[str, list[dict]], tmp_path: Path) -> None:
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed")
    records = list(reference_generations(samples["humaneval"][:3]))
    records[1]["generation"] = "I cannot solve this."
    path = tmp_path / "humaneval" / "output.jsonl"  # the folder names the benchmark: no --benchmark needed
    path.parent.mkdir()
    write_jsonl(path, records)
    result = CliRunner().invoke(app, ["grade", "--input_files", str(path), "--timeout", "5"])
    assert result.exit_code == 0, result.output
    assert "2 passed" in result.output and "1 no_code" in result.output
    graded = read_jsonl(path)
    assert [r["status"] for r in graded] == ["passed", "no_code", "passed"]
    assert graded[1]["predicted_answer"] is None and graded[1]["passed"] is False


def test_interrupted_grading_resumes_from_its_verdicts(samples: dict[str, list[dict]], sandbox_url: str, tmp_path: Path) -> None:
    path = _output(tmp_path, "mbpp", samples["mbpp"][:4])
    store = grading_store(path, path.read_bytes(), 10.0)
    kept = {**read_jsonl(path)[0], "passed": False, "status": "timeout", "execution_error": "from the first run",
            "execution_time": 10.0, "predicted_answer": "x"}
    store.seed({0: kept})  # as a killed run leaves it: one verdict written, three to go
    summary = grade_code_files(path, sandbox_address=sandbox_url)
    assert summary.resumed == 1 and summary.records == 4
    graded = read_jsonl(path)
    assert graded[0]["execution_error"] == "from the first run"  # not run again
    assert [r["status"] for r in graded[1:]] == ["passed"] * 3
    assert not store.path.exists() and not store.meta_path.exists()


def test_verdicts_of_an_older_file_are_dropped(samples: dict[str, list[dict]], sandbox_url: str, tmp_path: Path) -> None:
    path = _output(tmp_path, "mbpp", samples["mbpp"][:2])
    old = grading_store(path, b"an earlier generation", 10.0)
    old.seed({0: {**read_jsonl(path)[0], "passed": False, "status": "failed"}})
    grade_code_files(path, sandbox_address=sandbox_url)
    assert [r["status"] for r in read_jsonl(path)] == ["passed", "passed"]


def test_bad_input_names_file_and_line_and_changes_nothing(samples: dict[str, list[dict]], tmp_path: Path) -> None:
    path = _output(tmp_path, "mbpp", samples["mbpp"][:3])
    records = read_jsonl(path)
    del records[2]["test_code"]
    write_jsonl(path, records)
    before = path.read_bytes()
    with pytest.raises(RecordFileError, match=r"output.jsonl.*3|3.*output.jsonl"):
        grade_code_files(path, sandbox_address="http://127.0.0.1:9")
    assert path.read_bytes() == before


def test_unreachable_sandbox_is_a_clear_error(samples: dict[str, list[dict]], tmp_path: Path) -> None:
    path = _output(tmp_path, "mbpp", samples["mbpp"][:1])
    before = path.read_bytes()
    result = CliRunner().invoke(app, ["grade", "--input_files", str(path), "--sandbox_address", "http://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "the sandbox cannot run the tests" in result.output
    assert path.read_bytes() == before


def test_one_glob_grades_math_and_code_files_each_with_its_grader(sandbox_url: str, tmp_path: Path) -> None:
    math_file = tmp_path / "gsm8k" / "output.jsonl"
    code_file = tmp_path / "other" / "output.jsonl"  # no benchmark of that name: its records say it is code
    for path, record in ((math_file, {"expected_answer": "2", "generation": "\\boxed{2}"}),
                         (code_file, {"test_code": "assert f() == 1", "generation": "```python\ndef f():\n    return 1\n```"})):
        path.parent.mkdir()
        path.write_text(json.dumps(record) + "\n")
    result = CliRunner().invoke(app, ["grade", "--input_files", str(tmp_path / "*" / "output.jsonl"),
                                      "--sandbox_address", sandbox_url])
    assert result.exit_code == 0, result.output
    assert read_jsonl(math_file)[0]["symbolic_correct"] is True
    assert read_jsonl(code_file)[0]["status"] == "passed"

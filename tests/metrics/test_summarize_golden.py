"""Golden tests: every cell of the printed table and every number of the JSON on hand-built output dirs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nskit.cli.app import app
from nskit.metrics import summarize
from nskit.metrics.render import format_benchmark
from tests.metrics.golden import (
    ALPHA,
    ALPHA_TABLE,
    BETA,
    BETA_TABLE,
    build_alpha,
    build_beta,
)


@pytest.fixture()
def results(tmp_path: Path) -> Path:
    build_alpha(tmp_path / "eval-results" / "alpha")
    build_beta(tmp_path / "eval-results" / "beta")
    return tmp_path


def _approx(expected: dict) -> dict:
    return {k: _approx(v) if isinstance(v, dict) else pytest.approx(v, abs=1e-9) for k, v in expected.items()}


def _cells(table: str) -> list[list[str]]:
    """Rows of a printed table (title and notes dropped), cells stripped."""
    lines = [line for line in table.splitlines() if " | " in line]
    return [[cell.strip() for cell in line.split(" | ")] for line in lines]


def _pad(rows: list[list[str]]) -> list[list[str]]:
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


def test_json_has_every_number(results: Path) -> None:
    summary = summarize(results)
    data = summary.to_json()
    assert list(data) == ["alpha", "beta"]
    assert set(data["alpha"]) == set(ALPHA)
    for row, expected in ALPHA.items():
        assert data["alpha"][row] == _approx(expected), row
    assert set(data["beta"]) == set(BETA)
    for row, expected in BETA.items():
        assert data["beta"][row] == _approx(expected), row


def test_every_table_cell(results: Path) -> None:
    summary = summarize(results)
    alpha, beta = summary.benchmarks
    assert _pad(_cells(format_benchmark(alpha))) == ALPHA_TABLE
    assert _pad(_cells(format_benchmark(beta))) == BETA_TABLE


def test_issues_are_named_per_file(results: Path) -> None:
    alpha, beta = summarize(results).benchmarks
    assert alpha.issues() == ["output.jsonl: 1 record(s) carry `error` (failed generation)"]
    assert beta.issues() == [
        "output-rs2.jsonl: 1 record(s) carry `grading_error`",
        "output-rs10.jsonl: 1 record(s) missing (vs the longest file)",
    ]
    assert [f.path.name for f in beta.files] == ["output-rs2.jsonl", "output-rs10.jsonl"]


def test_cli_json_strict_and_summary_line(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "metrics.json"
    runner = CliRunner()
    plain = runner.invoke(app, ["summarize_results", str(results), "--json", str(out)])
    assert plain.exit_code == 0, plain.output
    assert json.loads(out.read_text())["beta"]["pass@2"]["symbolic_correct"] == pytest.approx(100.0)
    assert "------ alpha ------" in plain.output.replace("-" * 20, "------")
    assert plain.output.strip().splitlines()[-1].startswith("summarized 2 benchmark(s), 6 file(s), 21 records")
    strict = runner.invoke(app, ["summarize_results", str(results), "--strict"])
    assert strict.exit_code == 1


def test_strict_passes_on_clean_results(tmp_path: Path) -> None:
    folder = tmp_path / "clean"
    build_alpha(folder)
    (folder / "output.jsonl").unlink()
    result = CliRunner().invoke(app, ["summarize_results", str(folder), "--strict"])
    assert result.exit_code == 0, result.output
    assert "no issues" in result.output


@pytest.mark.parametrize("layout", ["eval-results", "benchmarks", "one"])
def test_accepted_layouts(tmp_path: Path, layout: str) -> None:
    if layout == "eval-results":
        build_beta(tmp_path / "eval-results" / "beta")
        root = tmp_path
    elif layout == "benchmarks":
        build_beta(tmp_path / "beta")
        root = tmp_path
    else:
        build_beta(tmp_path / "beta")
        root = tmp_path / "beta"
    (benchmark,) = summarize(root).benchmarks
    assert benchmark.name == "beta"
    assert benchmark.row("majority@2").values["symbolic_correct"] == pytest.approx(250 / 3)


def test_misaligned_seed_files_name_file_and_line(tmp_path: Path) -> None:
    build_beta(tmp_path / "beta")
    path = tmp_path / "beta" / "output-rs10.jsonl"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(reversed(lines)) + "\n")
    result = CliRunner().invoke(app, ["summarize_results", str(tmp_path)])
    assert result.exit_code == 2
    assert "output-rs10.jsonl" in result.output and "same problems in the same order" in result.output


def test_malformed_line_is_reported_with_its_line(tmp_path: Path) -> None:
    build_beta(tmp_path / "beta")
    with open(tmp_path / "beta" / "output-rs2.jsonl", "a") as handle:
        handle.write("{not json\n")
    result = CliRunner().invoke(app, ["summarize_results", str(tmp_path)])
    assert result.exit_code == 2
    assert "output-rs2.jsonl:4" in result.output or "output-rs2.jsonl line 4" in result.output, result.output


def test_max_seq_len_counts_long_generations_wrong_and_unanswered(tmp_path: Path) -> None:
    build_alpha(tmp_path / "alpha")
    (benchmark,) = summarize(tmp_path, max_seq_len=15).benchmarks
    first = benchmark.row("pass@1[avg-of-1]").values
    assert first["symbolic_correct"] == pytest.approx(50.0)  # rs0 has 10 tokens per record: unaffected
    second_only = benchmark.row("pass@1[avg-of-2]").values
    assert second_only["symbolic_correct"] == pytest.approx(25.0)  # rs1 (20 tokens) is all wrong now
    assert second_only["no_answer"] == pytest.approx((25.0 + 100.0) / 2)


def test_non_string_answers_vote_on_their_text(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    for seed, answer in enumerate([[1, 2], [1, 2], 5, "5"]):
        record = {"id": 0, "predicted_answer": answer, "symbolic_correct": answer == [1, 2]}
        (folder / f"output-rs{seed}.jsonl").write_text(json.dumps(record) + "\n")
    (benchmark,) = summarize(folder).benchmarks
    assert benchmark.row("majority@2").values["symbolic_correct"] == 100.0
    assert benchmark.row("majority@4").values["symbolic_correct"] == 50.0  # [1, 2] x2 ties 5 x2

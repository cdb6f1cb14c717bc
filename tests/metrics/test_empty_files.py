"""An empty output file is an issue, never a silent zero-record benchmark."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from nskit.cli.app import app


def test_only_an_empty_file_is_reported_and_strict_fails(tmp_path: Path) -> None:
    bench = tmp_path / "eval-results" / "gsm8k"
    bench.mkdir(parents=True)
    (bench / "output.jsonl").write_text("")
    result = CliRunner().invoke(app, ["summarize_results", str(tmp_path)])
    assert "output.jsonl: empty file (no records)" in result.output
    assert "no issues" not in result.output
    strict = CliRunner().invoke(app, ["summarize_results", str(tmp_path), "--strict"])
    assert strict.exit_code == 1


def test_fill_majority_refuses_empty_files(tmp_path: Path) -> None:
    for seed in range(2):
        (tmp_path / f"output-rs{seed}.jsonl").write_text("")
    result = CliRunner().invoke(app, ["fill_majority", "--input_files", str(tmp_path / "output-rs*.jsonl")])
    assert result.exit_code == 2, result.output
    assert "output-rs0.jsonl: file holds no records" in result.output

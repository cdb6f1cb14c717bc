"""Summaries of code benchmarks: passing_base_tests, greedy, pass@1[avg-of-k], unbiased pass@k, no majority."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nskit.cli.app import app


def _write(path: Path, passed: list[bool | None]) -> None:
    lines = [{"id": f"p{i}", "problem": f"p{i}", "passed": ok, "status": "no_code" if ok is None else "x",
              "predicted_answer": None if ok is None else f"code {i}"} for i, ok in enumerate(passed)]
    path.write_text("".join(json.dumps({**r, "passed": bool(r["passed"])}) + "\n" for r in lines))


def test_code_table_and_json(tmp_path: Path) -> None:
    bench = tmp_path / "eval-results" / "mbpp"
    bench.mkdir(parents=True)
    _write(bench / "output.jsonl", [True, True, False, None])
    _write(bench / "output-rs0.jsonl", [True, False, False, False])
    _write(bench / "output-rs1.jsonl", [False, False, True, None])
    result = CliRunner().invoke(app, ["summarize_results", str(tmp_path), "--json", str(tmp_path / "metrics.json")])
    assert result.exit_code == 0, result.output
    lines = {line.split("|")[0].strip(): [c.strip() for c in line.split("|")[1:]] for line in result.output.splitlines() if "|" in line}
    assert lines["evaluation_mode"] == ["num_entries", "passing_base_tests", "no_answer"]
    assert lines["greedy"] == ["4", "50.00%", "25.00%"]
    assert lines["pass@1[avg-of-2]"][1].startswith("25.00%")
    assert lines["pass@2"][1] == "50.00%"  # problems 0 and 2 pass in one of two samples: 1 - C(1,2)/C(2,2) each
    assert not any(name.startswith("majority") for name in lines)
    metrics = json.loads((tmp_path / "metrics.json").read_text())["mbpp"]
    assert metrics["greedy"]["passing_base_tests"] == 50.0
    assert not any(name.startswith("majority") for name in metrics)

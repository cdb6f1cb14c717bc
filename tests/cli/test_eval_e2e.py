"""`ns eval` end to end against the real vLLM CPU server: prepare, generate greedy + seeds, grade, summarize."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nskit.records import iter_jsonl
from tests.helpers import ns

pytestmark = pytest.mark.vllm


def test_eval_gsm8k_greedy_and_two_seeds(tmp_path: Path, vllm_server: str, mirror_dir: Path) -> None:
    out = tmp_path / "run"
    result = ns(
        "eval", "--benchmarks=gsm8k:2", "--output_dir", str(out), "--data_dir", str(tmp_path / "data"),
        "--mirror", str(mirror_dir), "--server_type", "openai", "--server_address", vllm_server,
        "++max_samples=4", "++inference.tokens_to_generate=128",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    results = out / "eval-results" / "gsm8k"
    assert sorted(p.name for p in results.glob("output*.jsonl")) == ["output-rs0.jsonl", "output-rs1.jsonl", "output.jsonl"]
    for path in results.glob("output*.jsonl"):
        records = list(iter_jsonl(path))
        assert [r["id"] for r in records] == [f"gsm8k-{i}" for i in range(4)]
        for record in records:
            assert record["generation"] and record["num_generated_tokens"] > 0
            assert "predicted_answer" in record and isinstance(record["symbolic_correct"], bool)
            assert "error" not in record
    assert (out / "logs" / "generate.log").read_text()
    table = result.stdout
    assert re.search(r"^-+ gsm8k -+$", table, re.MULTILINE), table
    for row in ("greedy", "majority@2", "pass@2"):
        assert re.search(rf"^{re.escape(row)}\s+\| 4 ", table, re.MULTILINE), table


def test_rerun_is_a_no_op(tmp_path: Path, vllm_server: str, mirror_dir: Path) -> None:
    args = ["eval", "--benchmarks=gsm8k:0", "--output_dir", str(tmp_path / "run"), "--data_dir", str(tmp_path / "d"),
            "--mirror", str(mirror_dir), "--server_type", "openai", "--server_address", vllm_server,
            "++max_samples=2", "++inference.tokens_to_generate=64"]
    assert ns(*args).returncode == 0
    output = tmp_path / "run" / "eval-results" / "gsm8k" / "output.jsonl"
    first = output.stat().st_mtime_ns
    second = ns(*args)
    assert second.returncode == 0
    log = (tmp_path / "run" / "logs" / "generate.log").read_text()
    assert "0 records requested" in log and "1 already complete" in log
    assert output.stat().st_mtime_ns >= first


def test_eval_aime24_and_amc23(tmp_path: Path, vllm_server: str, mirror_dir: Path) -> None:
    """Issue 4's end-to-end line: two more benchmarks through the whole pipeline on the embedded model."""
    out = tmp_path / "run"
    result = ns(
        "eval", "--benchmarks=aime24:0,amc23:0", "--output_dir", str(out), "--data_dir", str(tmp_path / "data"),
        "--mirror", str(mirror_dir), "--server_type", "openai", "--server_address", vllm_server,
        "++max_samples=3", "++inference.tokens_to_generate=128",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for bench in ("aime24", "amc23"):
        records = list(iter_jsonl(out / "eval-results" / bench / "output.jsonl"))
        assert len(records) == 3 and all("symbolic_correct" in r for r in records)
        assert re.search(rf"^-+ {bench} -+$", result.stdout, re.MULTILINE), result.stdout  # its table title

"""`ns eval --judge_model ...`: judge steps after grading in the plan (local and Slurm), and a real judged run."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from nskit.records import iter_jsonl
from tests.helpers import ns

SLURM_CONFIG = "executor: slurm\naccount: a\npartition: p\n"


def served_model(base_url: str) -> str:
    """The name the server lists its model under (what a judge request must send)."""
    with urllib.request.urlopen(f"{base_url}/models", timeout=10) as response:
        return json.loads(response.read())["data"][0]["id"]


def test_dry_run_prints_judge_steps_after_grading(tmp_path: Path) -> None:
    result = ns("eval", "--benchmarks=gsm8k:2", "--model=/m", "--output_dir", str(tmp_path), "--judge_model=M",
                "--judge_server_type=openai", "--judge_server_address=http://127.0.0.1:9/v1", "--dry_run")
    assert result.returncode == 0, result.stderr
    names = re.findall(r"^  ([\w-]+)(?: \[.*?\])?(?: \(after ([^)]*)\))?:", result.stdout, re.MULTILINE)
    order = [name for name, _ in names]
    assert order.index("judge-gsm8k") > order.index("grade-gsm8k")
    assert dict(names)["judge-gsm8k"] == "grade-gsm8k" and dict(names)["summarize"] == "judge-gsm8k"
    assert "ns llm_math_judge --input_files" in result.stdout and "--server_address http://127.0.0.1:9/v1" in result.stdout


def test_slurm_dry_run_shows_judge_jobs_as_dependent(tmp_path: Path) -> None:
    config = tmp_path / "slurm.yaml"
    config.write_text(SLURM_CONFIG)
    result = ns("eval", f"--cluster={config}", "--benchmarks=gsm8k:2", "--model=/m", "--output_dir", str(tmp_path),
                "--judge_model=M", "--judge_server_type=openai", "--judge_server_address=http://127.0.0.1:9/v1",
                "--dry_run")
    assert result.returncode == 0, result.stderr
    blocks = {block.split(":", 1)[0]: block for block in ("\n" + result.stdout).split("\njob ")[1:]}
    assert "after: grade-gsm8k" in blocks["nskit-eval-judge-gsm8k"]
    assert "llm_math_judge --input_files" in blocks["nskit-eval-judge-gsm8k"]
    assert "after: judge-gsm8k" in blocks["nskit-eval-summarize"]


def test_llm_math_judge_dry_run_and_cluster(tmp_path: Path) -> None:
    local = ns("llm_math_judge", "--input_files", str(tmp_path / "*.jsonl"), "--model", "gpt-4o", "--dry_run")
    assert local.returncode == 0, local.stderr
    assert "plan llm_math_judge:" in local.stdout and "ns llm_math_judge --input_files" in local.stdout
    config = tmp_path / "slurm.yaml"
    config.write_text(SLURM_CONFIG)
    slurm = ns("llm_math_judge", "--input_files", str(tmp_path / "*.jsonl"), "--server_type", "vllm", "--model", "/j",
               f"--cluster={config}", "--dry_run")
    assert slurm.returncode == 0, slurm.stderr
    assert "1 Slurm job(s) to submit" in slurm.stdout and "task server:" in slurm.stdout
    assert "--cluster" not in slurm.stdout.split("task client:")[1]  # the job judges; it does not submit again


@pytest.mark.vllm
def test_eval_with_a_judge_on_the_same_vllm(tmp_path: Path, vllm_server: str, mirror_dir: Path) -> None:
    out = tmp_path / "run"
    result = ns(
        "eval", "--benchmarks=gsm8k:0", "--output_dir", str(out), "--data_dir", str(tmp_path / "data"),
        "--mirror", str(mirror_dir), "--server_type", "openai", "--server_address", vllm_server,
        "--judge_model", served_model(vllm_server), "--judge_server_type=vllm", "--judge_server_address", vllm_server,
        "--extra_judge_args=--tokens_to_generate 16 --max_concurrent_requests 8", "++max_samples=3", "++inference.tokens_to_generate=96",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    records = list(iter_jsonl(out / "eval-results" / "gsm8k" / "output.jsonl"))
    assert len(records) == 3
    for record in records:
        assert "judgement" in record and isinstance(record["judge_correct"], bool)
    assert (out / "logs" / "judge-gsm8k.log").read_text()
    assert re.search(r"judge_correct", result.stdout), result.stdout  # summarize shows the judge columns

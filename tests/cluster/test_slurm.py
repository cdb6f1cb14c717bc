"""`ns eval` on a real one-node Slurm (set up by .ci/setup_slurm.sh): jobs, waiting, results, resubmission.

Reads NSKIT_SLURM_CONFIG (default /tmp/nskit-slurm/slurm-ci.yaml, written by the setup script). Without a
reachable Slurm these tests skip, except in CI (CI set), where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.helpers import ns, ns_background, wait_for

pytestmark = [pytest.mark.slurm, pytest.mark.slow]

CONFIG = Path(os.environ.get("NSKIT_SLURM_CONFIG", "/tmp/nskit-slurm/slurm-ci.yaml"))
SMALL = ["++max_samples=4", "++inference.tokens_to_generate=128"]


def slurm_problem() -> str | None:
    """Why Slurm is not usable here, or None."""
    if shutil.which("sbatch") is None:
        return "sbatch not found (run .ci/setup_slurm.sh)"
    if subprocess.run(["scontrol", "ping"], capture_output=True, timeout=30, check=False).returncode != 0:
        return "slurmctld not reachable (run .ci/setup_slurm.sh)"
    if not CONFIG.is_file():
        return f"cluster config {CONFIG} missing (run .ci/setup_slurm.sh or set NSKIT_SLURM_CONFIG)"
    return None


@pytest.fixture(scope="module")
def slurm_config() -> Path:
    """The CI cluster config; skip (locally) or fail (CI) without a Slurm."""
    problem = slurm_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"Slurm tests must run in CI: {problem}")
        pytest.skip(problem)
    return CONFIG


def eval_args(config: Path, out: Path, data: Path, mirror: Path, expname: str) -> list[str]:
    return ["eval", f"--cluster={config}", "--benchmarks=gsm8k:2", "--num_jobs=2", "--output_dir", str(out),
            "--data_dir", str(data), "--mirror", str(mirror), "--expname", expname, *SMALL]


def job_ids(output: str) -> dict[str, str]:
    """Step -> Slurm job id, from the lines `nskit-<exp>-<step>: job <id> <STATE>  log: ...`."""
    return {m.group(1): m.group(2) for m in re.finditer(r"^nskit-[\w.]+?-([\w-]+): job (\d+) ", output, re.MULTILINE)}


def sacct_states(ids: list[str]) -> dict[str, str]:
    out = subprocess.run(["sacct", "-X", "-n", "-P", "-o", "JobID,State", "-j", ",".join(ids)],
                         capture_output=True, text=True, check=True).stdout
    return {line.split("|")[0]: line.split("|")[1].split()[0] for line in out.splitlines() if "|" in line}


def queued(expname: str) -> list[str]:
    out = subprocess.run(["squeue", "-h", "-o", "%i %j"], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if f"nskit-{expname}-" in line]


def record_keys(out: Path) -> set[tuple[str, str]]:
    """(file, problem) pairs of a run: ids x seeds, failing on a repeated record."""
    keys: set[tuple[str, str]] = set()
    for path in sorted((out / "eval-results" / "gsm8k").glob("output*.jsonl")):
        problems = [json.loads(line)["problem"] for line in path.read_text().splitlines() if line.strip()]
        assert len(problems) == len(set(problems)), f"repeated records in {path}"
        keys |= {(path.name, problem) for problem in problems}
    return keys


TIMING = {"generation_start_time", "generation_end_time", "generation_time", "num_retries"}
DETERMINISTIC = "--server_args=--max-num-seqs 1"
"""One sequence at a time: a batch of one computes the same numbers on every run, so records match to the text."""


def whole_records(out: Path) -> dict[tuple[str, str], dict]:
    """(file, id) -> the record without its timing fields."""
    found = {}
    for path in sorted((out / "eval-results" / "gsm8k").glob("output*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                record = json.loads(line)
                found[(path.name, record["id"])] = {k: v for k, v in record.items() if k not in TIMING}
    return found


def same_server_configs(slurm_config: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The CI Slurm config and a local one with its server flags and environment, both binding vLLM's one OpenMP
    thread to CPU 0: a Slurm task and this process see different CPU counts, and another thread count sums the
    floats in another order (a different text)."""
    settings = yaml.safe_load(slurm_config.read_text())
    vllm = settings.setdefault("servers", {}).setdefault("vllm", {})
    vllm["env_vars"] = [*vllm.get("env_vars", []), "VLLM_CPU_OMP_THREADS_BIND=0", "VLLM_CPU_NUM_OF_RESERVED_CPU=0"]
    on_slurm, here = tmp_path / "slurm.yaml", tmp_path / "local.yaml"
    on_slurm.write_text(yaml.safe_dump(settings))
    here.write_text(yaml.safe_dump({"executor": "local", "env_vars": settings.get("env_vars", []),
                                    "servers": settings["servers"]}))
    return on_slurm, here


def test_eval_on_slurm_matches_local_run(slurm_config: Path, tmp_path: Path, mirror_dir: Path) -> None:
    """Whole records (generations included) of a Slurm run equal those of a local run, both against a
    deterministic server (`--max-num-seqs 1`, one thread) that each run starts itself."""
    on_slurm, same_server = same_server_configs(slurm_config, tmp_path)
    out = tmp_path / "slurm"
    # Smaller than SMALL (a later ++ wins): one sequence at a time on one thread is slow, and 6 records suffice.
    tiny = ["++max_samples=2", "++inference.tokens_to_generate=48"]
    result = ns(*eval_args(on_slurm, out, tmp_path / "data", mirror_dir, "e2e"), DETERMINISTIC, *tiny, "--wait",
                timeout=1200)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    ids = job_ids(result.stdout)
    assert set(ids) == {"prepare-data", "generate-0", "generate-1", "grade-gsm8k", "summarize"}, result.stdout
    states = sacct_states(list(ids.values()))
    assert [states[ids[s]] for s in ("generate-0", "generate-1")] == ["COMPLETED", "COMPLETED"], states
    assert set(states.values()) == {"COMPLETED"}, states  # 2 generation jobs + prepare, grade, summarize
    assert queued("e2e") == []

    table = ns("summarize_results", str(out))
    assert table.returncode == 0, table.stderr
    assert "gsm8k" in table.stdout and "pass@1[avg-of-2]" in table.stdout and "greedy" in table.stdout

    local = tmp_path / "local"
    local_run = ns("eval", f"--cluster={same_server}", "--benchmarks=gsm8k:2",
                   "--output_dir", str(local), "--data_dir", str(tmp_path / "data"), "--mirror", str(mirror_dir),
                   DETERMINISTIC, *SMALL, *tiny, timeout=900)
    assert local_run.returncode == 0, local_run.stderr[-4000:]
    slurm_keys = record_keys(out)
    assert len(slurm_keys) == 6  # 2 problems x (greedy + 2 seeds)
    assert slurm_keys == record_keys(local)
    slurm_records, local_records = whole_records(out), whole_records(local)
    differing = [key for key in slurm_records if slurm_records[key] != local_records.get(key)]
    assert differing == [], (differing, slurm_records[differing[0]], local_records.get(differing[0]))


def test_cancelled_job_is_the_only_one_resubmitted(
    slurm_config: Path, tmp_path: Path, mirror_dir: Path
) -> None:
    out = tmp_path / "run"
    args = eval_args(slurm_config, out, tmp_path / "data", mirror_dir, "resub")
    first = ns_background(*args, log=tmp_path / "first.out")
    assert first.wait(timeout=300) == 0, (tmp_path / "first.out").read_text()[-4000:]
    ids = job_ids((tmp_path / "first.out").read_text())
    victim = ids["generate-1"]
    wait_for(lambda: sacct_states([victim]).get(victim) == "RUNNING", 300, "generate-1 to start")
    subprocess.run(["scancel", victim], check=True)
    wait_for(lambda: not queued("resub"), 600, "the first submission to end", interval=3)
    states = sacct_states(list(ids.values()))
    assert states[victim] == "CANCELLED" and states[ids["generate-0"]] == "COMPLETED", states
    assert states[ids["grade-gsm8k"]] != "COMPLETED", states

    second = ns(*args, "--wait", timeout=1200)
    assert second.returncode == 0, second.stdout[-4000:] + second.stderr[-4000:]
    assert "skip generate-0: outputs exist" in second.stdout
    resubmitted = job_ids(second.stdout)
    assert "generate-0" not in resubmitted and "generate-1" in resubmitted, second.stdout
    assert set(sacct_states(list(resubmitted.values())).values()) == {"COMPLETED"}
    assert len(record_keys(out)) == 12
    assert queued("resub") == []


def test_eval_with_a_judge_on_slurm(slurm_config: Path, tmp_path: Path, mirror_dir: Path, vllm_server: str) -> None:
    """The judge steps run as dependent Slurm jobs after grading and write judgement / judge_correct."""
    from tests.cli.test_eval_judge import served_model

    out = tmp_path / "judged"
    result = ns("eval", f"--cluster={slurm_config}", "--benchmarks=gsm8k:0", "--output_dir", str(out),
                "--data_dir", str(tmp_path / "data"), "--mirror", str(mirror_dir), "--expname", "judged",
                "--server_type", "openai", "--server_address", vllm_server, "--judge_model", served_model(vllm_server),
                "--judge_server_type=vllm", "--judge_server_address", vllm_server,
                "--extra_judge_args=--tokens_to_generate 16", "++max_samples=2", "++inference.tokens_to_generate=64",
                "--wait", timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    ids = job_ids(result.stdout)
    assert set(ids) == {"prepare-data", "generate", "grade-gsm8k", "judge-gsm8k", "summarize"}, result.stdout
    assert set(sacct_states(list(ids.values())).values()) == {"COMPLETED"}
    records = [json.loads(line) for line in (out / "eval-results" / "gsm8k" / "output.jsonl").read_text().splitlines()]
    assert len(records) == 2 and all(isinstance(r["judge_correct"], bool) and "judgement" in r for r in records)

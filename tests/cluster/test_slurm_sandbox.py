"""The code sandbox as a task of a Slurm generation job: --dry_run, the in-job launcher, and a real run.

The real run (`ns eval ... ++code_execution=true --server_address URL --wait`) needs the one-node Slurm of
.ci/setup_slurm.sh and skips without it, except in CI, like tests/cluster/test_slurm.py.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from nskit.cluster.slurm_tasks import (
    client_command,
    job_port,
    sandbox_command,
    sandbox_port,
    wait_for_sandbox,
)
from nskit.pipeline.plan import SandboxRequest
from tests.cluster.test_slurm import job_ids, queued, sacct_states, slurm_config  # noqa: F401 - fixture
from tests.helpers import ns, wait_for

CONTAINER_CONFIG = """
executor: slurm
account: acct
partition: gpu
cpu_partition: cpu
containers:
  vllm: vllm/vllm-openai:v0.10.1
  client: nvcr.io/org/nskit:1.0
  sandbox: nvcr.io/org/nskit-sandbox:1.0
"""
SANDBOX_PORT = "<40000 + SLURM_JOB_ID % 20000>"
CODE = ["++code_execution=true", "++max_samples=2", "++inference.tokens_to_generate=128"]


def dry_run_jobs(config: Path, out: Path, *args: str) -> dict[str, str]:
    """`ns eval --dry_run` for gsm8k greedy with code execution: job name -> its block of lines."""
    result = ns("eval", f"--cluster={config}", "--benchmarks=gsm8k:0", "--output_dir", str(out), "--dry_run",
                *args, *CODE)
    assert result.returncode == 0, result.stderr
    return {block.split(":", 1)[0]: block for block in ("\n" + result.stdout).split("\njob ")[1:]}


def task_lines(block: str) -> dict[str, list[str]]:
    """Task role -> [header, command, note] of one job block."""
    lines = block.splitlines()
    return {line.split()[1].rstrip(":"): [line, *lines[i + 1:i + 3]]
            for i, line in enumerate(lines) if line.startswith("  task ")}


def test_dry_run_generation_job_has_server_sandbox_and_client(tmp_path: Path) -> None:
    config = tmp_path / "containers.yaml"
    config.write_text(CONTAINER_CONFIG)
    block = dry_run_jobs(config, tmp_path / "out", "--model=/models/m")["nskit-eval-generate"]
    tasks = task_lines(block)
    assert list(tasks) == ["server", "sandbox", "client"], block
    assert "partition=gpu" in block.splitlines()[0]
    header, command, note = tasks["sandbox"]
    assert "nodes=1 container=nvcr.io/org/nskit-sandbox:1.0" in header
    assert command.split()[:5] == ["python", "-m", "nskit", "slurm_task", "sandbox"]
    assert json.loads(command.split(" sandbox ", 1)[1].strip("'")) == {"max_sessions": 128, "workers": None}
    assert note.strip() == f"(runs ns sandbox --port {SANDBOX_PORT} --max_sessions 128)"
    header, command, note = tasks["client"]
    assert "container=nvcr.io/org/nskit:1.0" in header
    assert command.split(" -- ")[0].split()[3:] == ["slurm_task", "client", "--server_type", "vllm",
                                                    "--health_timeout", "900", "--sandbox"]
    assert command.split(" -- ")[1].startswith("generate --chunks gsm8k:greedy")
    assert note.rstrip(")").endswith(f"--server_address http://127.0.0.1:<20000 + SLURM_JOB_ID % 20000>/v1 "
                                     f"++sandbox_address=http://127.0.0.1:{SANDBOX_PORT}")


def test_dry_run_with_server_address_has_only_sandbox_and_client(tmp_path: Path) -> None:
    config = tmp_path / "bare.yaml"
    config.write_text("executor: slurm\naccount: a\npartition: gpu\ncpu_partition: cpu\n")
    jobs = dry_run_jobs(config, tmp_path / "out", "--server_address=http://127.0.0.1:9/v1")
    block = jobs["nskit-eval-generate"]
    tasks = task_lines(block)
    assert list(tasks) == ["sandbox", "client"], block
    assert "gpus_per_node=0 partition=cpu" in block.splitlines()[0]  # no server: no GPUs needed
    assert all("container=(none)" in lines[0] for lines in tasks.values())
    client = tasks["client"][1]
    assert " client --sandbox -- generate " in client and "--server_type vllm" not in client
    assert "--server_address http://127.0.0.1:9/v1" in client
    for name, other in jobs.items():
        if name != "nskit-eval-generate":
            assert list(task_lines(other)) == ["main"], other


def test_sandbox_port_is_per_job_and_apart_from_the_server_port() -> None:
    assert sandbox_port("1234") == sandbox_port("1234") != sandbox_port("1235")
    assert 40000 <= sandbox_port("99999999") < 60000
    assert {sandbox_port(str(job)) for job in range(20000)}.isdisjoint({job_port(str(job)) for job in range(20000)})


def test_launcher_and_client_command_lines() -> None:
    request = json.dumps({"max_sessions": 8, "workers": 3})
    assert sandbox_command(request, 41234) == [sys.executable, "-m", "nskit",
                                               *SandboxRequest(8, 3).ns_argv(41234)]
    assert sandbox_command(request, 41234)[3:] == ["sandbox", "--port", "41234", "--max_sessions", "8",
                                                   "--workers", "3"]
    argv = ["generate", "++code_execution=true"]
    assert client_command(argv, "http://127.0.0.1:21234/v1", "http://127.0.0.1:41234")[3:] == [
        *argv, "--server_address", "http://127.0.0.1:21234/v1", "++sandbox_address=http://127.0.0.1:41234"]
    assert client_command(argv, None, "http://127.0.0.1:41234")[3:] == [
        *argv, "++sandbox_address=http://127.0.0.1:41234"]


def free_job_id() -> str:
    """A fake SLURM_JOB_ID whose sandbox port is free on this machine."""
    for job in range(os.getpid() % 20000, os.getpid() % 20000 + 200):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", sandbox_port(str(job)))) != 0:
                return str(job)
    raise AssertionError("no free port in the sandbox range")


@pytest.mark.sandbox
def test_launcher_serves_on_the_job_port_and_stops_on_sigterm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("bwrap") is None:
        if os.environ.get("CI"):
            pytest.fail("bubblewrap (bwrap) is not installed; run .ci/install_sandbox.sh")
        pytest.skip("bubblewrap (bwrap) is not installed; run .ci/install_sandbox.sh")
    job = free_job_id()
    monkeypatch.setenv("SLURM_JOB_ID", job)
    env = {**os.environ, "NSKIT_JOB_LOG_DIR": str(tmp_path)}
    request = json.dumps({"max_sessions": 4, "workers": 1})
    task = subprocess.Popen([sys.executable, "-m", "nskit", "slurm_task", "sandbox", request], env=env,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert wait_for_sandbox(60) == f"http://127.0.0.1:{sandbox_port(job)}"
    finally:
        task.send_signal(signal.SIGTERM)  # what Slurm sends to the job's remaining tasks
        code = task.wait(timeout=30)
    assert code in (0, -signal.SIGTERM, 128 + signal.SIGTERM), code
    assert f"port {sandbox_port(job)}" in (task.stdout.read() if task.stdout else "")
    log = (tmp_path / f"sandbox-{job}.log").read_text()
    assert f"listening on http://127.0.0.1:{sandbox_port(job)}" in log, log


def sandbox_running(port: int) -> bool:
    """A process serving `ns sandbox --port PORT` exists on this machine."""
    needle = f"sandbox\0--port\0{port}\0".encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if needle in cmdline.read_bytes():
                return True
        except (FileNotFoundError, ProcessLookupError):
            continue  # the process ended while we looked
    return False


@pytest.mark.slurm
@pytest.mark.slow
@pytest.mark.sandbox
def test_code_execution_eval_on_slurm_runs_the_jobs_own_sandbox(
    slurm_config: Path, tmp_path: Path, mirror_dir: Path, vllm_server: str  # noqa: F811 - fixture
) -> None:
    out = tmp_path / "out"
    result = ns("eval", f"--cluster={slurm_config}", "--benchmarks=gsm8k:0", "--output_dir", str(out),
                "--data_dir", str(tmp_path / "data"), "--mirror", str(mirror_dir), "--expname", "sbx",
                "--server_address", vllm_server, *CODE, "--wait", timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    ids = job_ids(result.stdout)
    assert set(ids) == {"prepare-data", "generate", "grade-gsm8k", "summarize"}, result.stdout
    assert set(sacct_states(list(ids.values())).values()) == {"COMPLETED"}
    port = sandbox_port(ids["generate"])
    log = (out / "logs" / f"sandbox-{ids['generate']}.log").read_text()
    assert f"listening on http://127.0.0.1:{port}" in log, log
    # The step checks the sandbox's /health before generating, so a completed job means it reached it.
    records = [json.loads(line) for line in (out / "eval-results" / "gsm8k" / "output.jsonl").read_text().splitlines()]
    assert len(records) == 2 and all("num_code_executions" in record for record in records), records
    wait_for(lambda: not sandbox_running(port), 60, f"the sandbox on port {port} to end with its job")
    assert queued("sbx") == []


@pytest.mark.slurm
@pytest.mark.slow
@pytest.mark.sandbox
def test_code_benchmark_on_slurm_grades_in_the_grade_jobs_own_sandbox(
    slurm_config: Path, tmp_path: Path, mirror_dir: Path, vllm_server: str  # noqa: F811 - fixture
) -> None:
    out = tmp_path / "out"
    result = ns("eval", f"--cluster={slurm_config}", "--benchmarks=mbpp:0", "--output_dir", str(out),
                "--data_dir", str(tmp_path / "data"), "--mirror", str(mirror_dir), "--expname", "sbxcode",
                "--server_address", vllm_server, "++max_samples=2", "++inference.tokens_to_generate=128", "--wait",
                timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    ids = job_ids(result.stdout)
    assert set(ids) == {"prepare-data", "generate", "grade-mbpp", "summarize"}, result.stdout
    assert set(sacct_states(list(ids.values())).values()) == {"COMPLETED"}
    port = sandbox_port(ids["grade-mbpp"])
    log = (out / "logs" / f"sandbox-{ids['grade-mbpp']}.log").read_text()
    assert f"listening on http://127.0.0.1:{port}" in log, log
    records = [json.loads(line) for line in (out / "eval-results" / "mbpp" / "output.jsonl").read_text().splitlines()]
    assert len(records) == 2 and all(r["status"] in {"passed", "failed", "timeout", "error", "no_code"} for r in records)
    wait_for(lambda: not sandbox_running(port), 60, f"the sandbox on port {port} to end with its job")
    assert queued("sbxcode") == []

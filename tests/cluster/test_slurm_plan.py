"""Slurm jobs from a plan, offline: --dry_run of a 2-node server config, skipping finished steps, config checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nskit.cluster.slurm_jobs import plan_jobs
from nskit.cluster.slurm_tasks import job_port
from nskit.config.cluster import ClusterConfig, ClusterConfigError, load_cluster_config
from nskit.pipeline.plan import Plan, ServerRequest, Step
from tests.helpers import ns

TWO_NODE_CONFIG = """
executor: slurm
account: acct
partition: gpu
cpu_partition: cpu
timeouts: {gpu: "04:00:00", cpu: "00:30:00"}
gpus_per_node: 8
containers:
  vllm: vllm/vllm-openai:v0.10.1
  client: nvcr.io/org/nskit:1.0
mounts:
  - /lustre/models:/models
  - /lustre/data:/data
"""


def test_dry_run_two_node_server_names_nodes_gpus_container_mounts(tmp_path: Path) -> None:
    config = tmp_path / "two-node.yaml"
    config.write_text(TWO_NODE_CONFIG)
    result = ns("eval", f"--cluster={config}", "--benchmarks=gsm8k:2", "--num_jobs=2", "--server_nodes=2",
                "--model=/models/big", "--output_dir", str(tmp_path / "out"), "--data_dir=/data", "--dry_run",
                "++max_samples=4")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "5 Slurm job(s) to submit" in out
    blocks = {block.split(":", 1)[0]: block for block in ("\n" + out).split("\njob ")[1:]}
    for name in ("nskit-eval-generate-0", "nskit-eval-generate-1"):
        block = blocks[name]
        assert "nodes=2 gpus_per_node=8 partition=gpu time=04:00:00" in block
        assert "task server: nodes=2 container=vllm/vllm-openai:v0.10.1" in block
        assert "task client: nodes=1 container=nvcr.io/org/nskit:1.0" in block
        assert "mounts: /lustre/models:/models, /lustre/data:/data" in block
        assert "after: prepare-data" in block
        server_line = block.split("task server:")[1].splitlines()[1]
        request = json.loads(server_line.split("server ", 1)[1].strip().strip("'"))
        assert request["nodes"] == 2 and request["model"] == "/models/big"
    grade = blocks["nskit-eval-grade-gsm8k"]
    assert "nodes=1 gpus_per_node=0 partition=cpu time=00:30:00" in grade
    assert "after: generate-0, generate-1" in grade
    assert "container=nvcr.io/org/nskit:1.0" in grade


def test_dry_run_without_containers_requests_no_container_or_mounts(tmp_path: Path) -> None:
    config = tmp_path / "bare.yaml"
    config.write_text("executor: slurm\naccount: a\nmounts: [/x:/y]\n")
    result = ns("eval", f"--cluster={config}", "--benchmarks=gsm8k", "--model=/m", "--output_dir",
                str(tmp_path / "out"), "--dry_run")
    assert result.returncode == 0, result.stderr
    assert "container=(none)" in result.stdout
    assert "mounts:" not in result.stdout and "/x:/y" not in result.stdout


def make_plan(tmp_path: Path) -> Plan:
    done, missing = tmp_path / "output.jsonl", tmp_path / "output-rs0.jsonl"
    done.write_text("{}\n")
    steps = [
        Step("prepare-data", ["prepare_data", "gsm8k"]),
        Step("generate-0", ["generate", "--chunks", "gsm8k:greedy"], needs_server=True, after=["prepare-data"],
             outputs=[str(done)]),
        Step("generate-1", ["generate", "--chunks", "gsm8k:rs0"], needs_server=True, after=["prepare-data"],
             outputs=[str(missing)]),
        Step("grade", ["grade"], after=["generate-0", "generate-1"]),
    ]
    return Plan("exp", steps, server=ServerRequest("vllm", "/m"))


def test_finished_steps_are_skipped_and_dependencies_on_them_dropped(tmp_path: Path) -> None:
    jobs, skipped = plan_jobs(make_plan(tmp_path), ClusterConfig(executor="slurm"))
    assert [s.name for s in skipped] == ["generate-0"]
    assert [j.step for j in jobs] == ["prepare-data", "generate-1", "grade"]
    assert jobs[-1].after == ["generate-1"]
    all_jobs, none_skipped = plan_jobs(make_plan(tmp_path), ClusterConfig(executor="slurm"), skip_done=False)
    assert len(all_jobs) == 4 and none_skipped == []


def test_job_port_is_shared_by_tasks_and_differs_between_jobs() -> None:
    assert job_port("1234") == job_port("1234")
    assert job_port("1234") != job_port("1235")
    assert 20000 <= job_port("99999999") < 40000


@pytest.mark.parametrize("text, message", [
    ("executor: local\naccount: a\n", "only valid with executor: slurm"),
    ("executor: slurm\ntimeouts: {gpu: 4h}\n", "expected [D-]HH:MM:SS"),
    ("executor: slurm\nmounts: [models]\n", "bad mount"),
    ("executor: slurm\nssh_tunnel: {host: h, user: u, job_dir: rel}\n", "absolute path"),
    ("executor: slurm\nssh_tunel: {}\n", "unknown key 'ssh_tunel'"),
])
def test_bad_slurm_configs_are_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ClusterConfigError, match=message.replace("[", r"\[")):
        load_cluster_config(str(path))


def test_example_slurm_config_is_valid() -> None:
    config = load_cluster_config("slurm")
    assert config.executor == "slurm" and config.time_limit("batch") == "04:00:00"
    assert config.containers["vllm"] and config.mounts

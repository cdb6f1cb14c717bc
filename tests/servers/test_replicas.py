"""Replicas offline: each replica's GPU slice and log, the Slurm job of a 2-replica eval (--dry_run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nskit.cluster.slurm_tasks import REPLICA_STRIDE, job_port
from nskit.config.cluster import load_cluster_config
from nskit.errors import UserError
from nskit.servers.launch import launch_replicas, server_request
from nskit.servers.replicas import ServerGroup, replica_gpus
from tests.helpers import ns


def test_replica_gpu_slices() -> None:
    assert replica_gpus(0, None) == {}
    assert replica_gpus(1, 2, visible="") == {"CUDA_VISIBLE_DEVICES": "2,3"}
    assert replica_gpus(1, 2, visible="4,5,6,7") == {"CUDA_VISIBLE_DEVICES": "6,7"}
    with pytest.raises(UserError, match="replica 2 needs GPUs 4-5 but only 4 are visible"):
        replica_gpus(2, 2, visible="0,1,2,3")


def test_local_replicas_get_their_own_port_log_and_gpus(tmp_path: Path) -> None:
    request = server_request("vllm", "/models/m", load_cluster_config("local"), gpus=1, replicas=2)
    group = launch_replicas(request, tmp_path / "server.log")
    assert isinstance(group, ServerGroup)
    first, second = group.servers
    assert first.spec.port != second.spec.port
    assert (first.log_path.name, second.log_path.name) == ("server-0.log", "server-1.log")
    assert first.spec.env["CUDA_VISIBLE_DEVICES"] != second.spec.env["CUDA_VISIBLE_DEVICES"]
    assert group.base_url == f"{first.base_url},{second.base_url}"
    with pytest.raises(UserError, match="--server_replicas must be at least 1"):
        server_request("vllm", "/models/m", load_cluster_config("local"), replicas=0)


def test_slurm_job_of_two_replicas(tmp_path: Path) -> None:
    config = tmp_path / "slurm.yaml"
    config.write_text("executor: slurm\naccount: a\npartition: gpu\ncpu_partition: cpu\ngpus_per_node: 8\n")
    result = ns("eval", f"--cluster={config}", "--server_replicas=2", "--model=/models/m", "--benchmarks=gsm8k:2",
                "--output_dir", str(tmp_path / "out"), "--dry_run")
    assert result.returncode == 0, result.stderr
    job = result.stdout.split("job nskit-eval-generate:")[1].split("\njob ")[0]
    assert "nodes=1 gpus_per_node=8" in job
    assert "task server: nodes=1 tasks=2" in job and '"replicas": 2' in job and '"gpus": 4' in job
    assert f"replica i on port 20000 + SLURM_JOB_ID % 20000 + i * {REPLICA_STRIDE}" in job
    assert "--server_type vllm --health_timeout 900 --replicas 2 -- generate" in job
    assert job_port("7", replica=1) == 20000 + 7 + REPLICA_STRIDE != job_port("8")

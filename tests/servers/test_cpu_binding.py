"""The CPU binding of a CPU vLLM: derived from affinity, cgroup quota and Slurm; set wherever a server starts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nskit.servers import LaunchSpec, ServerProcess, get_server_type
from nskit.servers.cpu_binding import (
    BIND,
    RESERVED,
    cgroup_cpu_limit,
    cpu_list,
    is_cpu_vllm,
    usable_cpus,
    vllm_cpu_environment,
)

AFFINITY = sorted(os.sched_getaffinity(0))


def test_cpu_list_compresses_ranges() -> None:
    assert cpu_list([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8"
    assert cpu_list([3]) == "3"


def test_cgroup_quota_v2_and_v1(tmp_path: Path) -> None:
    v2 = tmp_path / "v2"
    v2.mkdir()
    (v2 / "cpu.max").write_text("max 100000\n")
    assert cgroup_cpu_limit(v2) is None
    (v2 / "cpu.max").write_text("150000 100000\n")
    assert cgroup_cpu_limit(v2) == 1.5
    v1 = tmp_path / "v1" / "cpu"
    v1.mkdir(parents=True)
    (v1 / "cpu.cfs_quota_us").write_text("-1\n")
    (v1 / "cpu.cfs_period_us").write_text("100000\n")
    assert cgroup_cpu_limit(tmp_path / "v1") is None
    (v1 / "cpu.cfs_quota_us").write_text("300000\n")
    assert cgroup_cpu_limit(tmp_path / "v1") == 3.0


def test_usable_cpus_take_the_tightest_limit(tmp_path: Path) -> None:
    assert usable_cpus({}, tmp_path) == AFFINITY  # no quota file, no Slurm: the affinity mask
    assert usable_cpus({"SLURM_CPUS_PER_TASK": "1", "SLURM_CPUS_ON_NODE": "64"}, tmp_path) == AFFINITY[:1]
    (tmp_path / "cpu.max").write_text("50000 100000\n")  # half a CPU still runs one thread
    assert usable_cpus({}, tmp_path) == AFFINITY[:1]


@pytest.mark.skipif(not is_cpu_vllm(), reason="needs the vllm-cpu build")
def test_binding_every_usable_cpu_unless_the_user_chose() -> None:
    assert vllm_cpu_environment(env={}) == {BIND: cpu_list(usable_cpus({})), RESERVED: "0"}
    assert vllm_cpu_environment(env={BIND: "auto"}) == {}
    assert vllm_cpu_environment(tensor_parallel=2, env={}) == {}


@pytest.mark.skipif(not is_cpu_vllm(), reason="needs the vllm-cpu build")
def test_a_started_vllm_gets_the_binding_and_the_spec_wins(tmp_path: Path) -> None:
    vllm = get_server_type("vllm")
    derived = ServerProcess(vllm, LaunchSpec(model="m", port=1), tmp_path / "log").environment()
    assert derived[RESERVED] == "0" and derived[BIND] == cpu_list(usable_cpus())
    chosen = ServerProcess(vllm, LaunchSpec(model="m", port=1, env={BIND: "auto"}), tmp_path / "log").environment()
    assert chosen == {BIND: "auto"}  # vLLM's own default: nothing of ours mixed in
    assert ServerProcess(get_server_type("openai"), LaunchSpec(model="m", port=1), tmp_path / "l").environment() == {}

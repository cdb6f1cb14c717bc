"""Which CPUs a CPU vLLM server may use, and the OpenMP binding that makes it use all of them.

vLLM's CPU build defaults to `VLLM_CPU_OMP_THREADS_BIND=auto`, which on a small machine reserves a core for the
front-end and runs one OpenMP thread: on 2 cores it generated 146 tok/s, against 254-266 tok/s bound to both
(measured here; `bench/generation.py` shows both in one run). The CPUs this process may use are the intersection of three limits:
its affinity mask (a cpuset: taskset, a container, a Slurm cgroup), its cgroup CPU quota (`cpu.max`, or v1's
`cfs_quota_us`), and the Slurm allocation (`SLURM_CPUS_PER_TASK`, else `SLURM_CPUS_ON_NODE`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

BIND = "VLLM_CPU_OMP_THREADS_BIND"
RESERVED = "VLLM_CPU_NUM_OF_RESERVED_CPU"


def cgroup_cpu_limit(root: Path = Path("/sys/fs/cgroup")) -> float | None:
    """CPUs allowed by the cgroup quota (e.g. 1.5), or None when unlimited or unknown."""
    v2 = root / "cpu.max"
    if v2.is_file():
        quota, _, period = v2.read_text().strip().partition(" ")
        return None if quota == "max" else int(quota) / int(period or 100000)
    quota_file, period_file = root / "cpu" / "cpu.cfs_quota_us", root / "cpu" / "cpu.cfs_period_us"
    if quota_file.is_file() and period_file.is_file():
        quota = int(quota_file.read_text())
        return None if quota <= 0 else quota / int(period_file.read_text())
    return None


def slurm_cpu_limit(env: Mapping[str, str]) -> int | None:
    """CPUs Slurm gave this task: SLURM_CPUS_PER_TASK, else SLURM_CPUS_ON_NODE; None outside Slurm."""
    for name in ("SLURM_CPUS_PER_TASK", "SLURM_CPUS_ON_NODE"):
        value = env.get(name, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return None


def usable_cpus(env: Mapping[str, str] | None = None, cgroup_root: Path = Path("/sys/fs/cgroup")) -> list[int]:
    """The CPU ids this process may run on, cut down to the cgroup quota and the Slurm allocation (at least one)."""
    env = os.environ if env is None else env
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(range(os.cpu_count() or 1))
    limits = [len(cpus)]
    quota = cgroup_cpu_limit(cgroup_root)
    if quota is not None:
        limits.append(max(1, math.floor(quota)))
    slurm = slurm_cpu_limit(env)
    if slurm is not None:
        limits.append(slurm)
    return cpus[: max(1, min(limits))]


def cpu_list(cpus: list[int]) -> str:
    """`[0, 1, 2, 5]` -> `0-2,5` (the form VLLM_CPU_OMP_THREADS_BIND takes)."""
    parts: list[str] = []
    start = previous = None
    for cpu in [*sorted(cpus), None]:
        if start is not None and cpu == previous + 1:
            previous = cpu
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = cpu
    return ",".join(parts)


def is_cpu_vllm() -> bool:
    """True when the installed vLLM is the CPU build (`vllm-cpu`); reads package metadata, imports nothing."""
    try:
        metadata.distribution("vllm-cpu")
    except metadata.PackageNotFoundError:
        return False
    return True


def cpu_binding_env(cpus: list[int]) -> dict[str, str]:
    """Bind vLLM's OpenMP threads to every CPU in `cpus`, none held back for the front-end."""
    return {BIND: cpu_list(cpus), RESERVED: "0"}


def vllm_cpu_environment(tensor_parallel: int | None = None, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The binding for a CPU vLLM started now; {} on a GPU build, with tensor parallelism, or when the user set
    either variable (theirs wins)."""
    env = os.environ if env is None else env
    if not is_cpu_vllm() or (tensor_parallel or 1) > 1 or BIND in env or RESERVED in env:
        return {}
    return cpu_binding_env(usable_cpus(env))

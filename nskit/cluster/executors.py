"""Executors by name (`executor:` in a cluster config): one function each that runs a plan or prints it."""

from __future__ import annotations

from collections.abc import Callable

from nskit.cluster.options import RunOptions
from nskit.config.cluster import ClusterConfig
from nskit.errors import UserError
from nskit.pipeline.plan import Plan


def run_local(plan: Plan, cluster: ClusterConfig, options: RunOptions) -> None:
    """Run the plan here, step by step (always waits; --run_after has no meaning locally)."""
    if options.dry_run:
        print(plan.describe())
        return
    if options.run_after:
        raise UserError("--run_after chains Slurm jobs; a local run already runs its steps in order")
    from nskit.cluster.local import run_plan
    from nskit.proc import terminate_on_sigterm
    from nskit.servers import get_server_type
    from nskit.servers.process import require_gpu

    for server in (plan.server, plan.judge_server):
        if server is not None:  # a GPU-only server on a CPU machine: say so before any step runs
            require_gpu(get_server_type(server.server_type))

    terminate_on_sigterm()
    run_plan(plan, options.log_dir)


def run_slurm(plan: Plan, cluster: ClusterConfig, options: RunOptions) -> None:
    """Submit the plan's unfinished steps as Slurm jobs (and wait with --wait)."""
    from nskit.cluster.slurm import run_plan_slurm

    run_plan_slurm(plan, cluster, options)


EXECUTORS: dict[str, Callable[[Plan, ClusterConfig, RunOptions], None]] = {
    "local": run_local,
    "slurm": run_slurm,
}


def get_executor(name: str) -> Callable[[Plan, ClusterConfig, RunOptions], None]:
    """The executor registered under `name`; an unknown name lists the known ones."""
    try:
        return EXECUTORS[name]
    except KeyError:
        raise UserError(f"unknown executor {name!r}; known: {', '.join(sorted(EXECUTORS))}") from None

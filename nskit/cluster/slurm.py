"""The Slurm executor: a plan's jobs (see slurm_jobs) submitted as one nemo-run experiment, then watched via sacct.

nemo-run is imported only here, inside the functions that need it (the import takes seconds).
"""

from __future__ import annotations

import logging
import shlex
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nskit.cluster.local import StepFailed
from nskit.cluster.options import RunOptions
from nskit.cluster.slurm_jobs import SlurmJob, Task, describe_jobs, plan_jobs
from nskit.config.cluster import ClusterConfig
from nskit.errors import UserError
from nskit.logs import LOG_FILE_ENV
from nskit.pipeline.plan import Plan

log = logging.getLogger(__name__)

TERMINAL_OK = {"COMPLETED"}
TERMINAL_BAD = {"FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE"}


class SlurmJobsFailed(StepFailed):
    """At least one submitted job did not complete; the message lists each job's outcome and log."""


@dataclass
class SubmittedJob:
    """A job as submitted: its Slurm id and where its log goes."""

    name: str
    step: str
    job_id: str
    log_path: str
    state: str = "PENDING"


def run_plan_slurm(plan: Plan, cluster: ClusterConfig, options: RunOptions) -> list[SubmittedJob]:
    """Submit the unfinished steps of `plan`; with `wait`, block until all jobs end and raise if any failed."""
    jobs, skipped = plan_jobs(plan, cluster, partition=options.partition)
    if options.dry_run:
        print(describe_jobs(jobs, skipped, options.run_after))
        return []
    for step in skipped:
        print(f"skip {step.name}: outputs exist", flush=True)
    if not jobs:
        print("nothing to submit: every step's outputs exist", flush=True)
        return []
    submitted = submit(plan, jobs, cluster, options)
    print_states(submitted)
    if options.wait:
        wait_for(submitted, cluster, options.poll_seconds)
        print_states(submitted)
        failed = [job for job in submitted if job.state not in TERMINAL_OK]
        if failed:
            lines = [f"{job.name} (job {job.job_id}): {job.state}; log: {job.log_path}" for job in failed]
            raise SlurmJobsFailed(f"{len(failed)} of {len(submitted)} Slurm job(s) did not complete:\n  "
                                  + "\n  ".join(lines) + "\nre-run the same command to resubmit the unfinished steps")
    return submitted


def make_tunnel(cluster: ClusterConfig) -> Any:
    """nemo-run's tunnel: SSH when the config names one, else submit from this machine."""
    import nemo_run as run

    if cluster.ssh_tunnel is not None:
        t = cluster.ssh_tunnel
        return run.SSHTunnel(host=t.host, user=t.user, job_dir=t.job_dir, identity=t.identity)
    if cluster.job_dir:
        # A LocalTunnel with a job_dir breaks sbatch (scripts go under NEMORUN_HOME, logs under job_dir), so point
        # NEMORUN_HOME at job_dir and keep the tunnel's own job_dir empty: everything lands under job_dir.
        run.config.set_nemorun_home(cluster.job_dir)
    return run.LocalTunnel(job_dir="")


def job_env(plan: Plan, job: SlurmJob, log_dir: Path, inherited: Collection[str] = ()) -> dict[str, str]:
    """Variables exported in the job script; values are shell-quoted because nemo-run writes `export K=V` as is.

    `inherited` names (the cluster config's `env_vars` copied from this environment: API keys) are left out of the
    script: sbatch hands the submitter's environment to the job (nemo-run's script sets no `--export`), so their
    values reach every task without ever being written to disk.
    """
    env = {key: value for key, value in plan.env.items() if key not in inherited}
    env |= {"NSKIT_JOB_LOG_DIR": str(log_dir), "NSKIT_STEP": job.step, LOG_FILE_ENV: str(log_dir / f"{job.step}.log")}
    return {key: shlex.quote(value) for key, value in env.items()}


def inherited_secrets(plan: Plan, cluster: ClusterConfig) -> list[str]:
    """The config's environment-copied names this plan carries; an error over SSH, where sbatch runs in another
    environment and they could only travel in the script text."""
    names = [name for name in cluster.inherited_env_names() if name in plan.env]
    if names and cluster.ssh_tunnel is not None:
        raise UserError(f"{cluster.source}: env_vars {', '.join(names)} are copied from this environment, which an "
                        "SSH submission cannot pass to sbatch without writing them into the job script; set them "
                        "in the cluster account's environment (e.g. ~/.bashrc) and drop them from env_vars")
    return names


def make_executors(job: SlurmJob, cluster: ClusterConfig, tunnel: Any, env: dict[str, str],
                   extra_deps: str | None) -> list[Any]:
    """One nemo-run SlurmExecutor per task of the job; nemo-run merges them into one sbatch script (one srun each)."""
    import nemo_run as run

    extra: dict[str, Any] = {}
    if cluster.mail_type:
        extra["mail-type"] = cluster.mail_type
    if cluster.mail_user:
        extra["mail-user"] = cluster.mail_user
    if extra_deps:
        extra["dependency"] = extra_deps
    executors = []
    for task in job.tasks:
        # --overlap: the client's srun must not wait for the server's srun to end. Each srun names its node and
        # task count, else it would run once per task of the whole allocation.
        srun_args = ["--overlap", f"--nodes={task.nodes}", f"--ntasks={task.ntasks or task.nodes}"]
        executors.append(run.SlurmExecutor(
            account=cluster.account or "nskit",
            partition=job.partition,
            time=job.time_limit,  # type: ignore[arg-type]  # None: the partition's default
            nodes=job.nodes,
            ntasks_per_node=max(t.ntasks or 1 for t in job.tasks),  # a server's replicas: one task each
            gpus_per_node=job.gpus_per_node,
            cpus_per_task=cluster.cpus_per_task,
            mem=cluster.mem,
            container_image=task.container,
            container_mounts=list(job.mounts) if task.container else [],
            env_vars=env,
            srun_args=srun_args,
            tunnel=tunnel,
            packager=run.Packager(),
            job_name_prefix=cluster.job_name_prefix,
            additional_parameters=extra or None,
            wait_time_for_group_job=0,
            monitor_group_job_wait_time=3,
        ))
    return executors


def pending_jobs_named(cluster: ClusterConfig, tunnel: Any, expnames: list[str]) -> list[str]:
    """Ids of queued or running jobs of earlier runs (`--run_after EXPNAME`), found by their job-name prefix."""
    result = tunnel.run("squeue -h -o '%i %j'", hide=True)
    prefixes = tuple(f"{cluster.job_name_prefix}{name}-" for name in expnames)
    ids = []
    for line in result.stdout.splitlines():
        job_id, _, name = line.strip().partition(" ")
        if name.startswith(prefixes):
            ids.append(job_id)
    return ids


def submit(plan: Plan, jobs: list[SlurmJob], cluster: ClusterConfig, options: RunOptions) -> list[SubmittedJob]:
    """Submit all jobs as one nemo-run experiment; dependencies between steps become Slurm afterok dependencies."""
    import nemo_run as run

    secrets = inherited_secrets(plan, cluster)
    tunnel = make_tunnel(cluster)
    external = pending_jobs_named(cluster, tunnel, options.run_after) if options.run_after else []
    if options.run_after:
        log.info("--run_after %s: waiting for job(s) %s", ",".join(options.run_after), ",".join(external) or "none")
    options.log_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path.cwd()
    by_step: dict[str, str] = {}
    with run.Experiment(plan.name, log_level="WARN", enable_goodbye_message=False,
                        skip_status_at_exit=True) as exp:
        for job in jobs:
            # Jobs with dependencies inside this run wait for them; only the roots need to wait for --run_after.
            deps = [by_step[name] for name in job.after if name in by_step]
            extra = f"afterany:{':'.join(external)}" if external and not deps else None
            executors = make_executors(job, cluster, tunnel, job_env(plan, job, options.log_dir, secrets), extra)
            scripts = [run.Script(inline=task_script(task, workdir)) for task in job.tasks]
            if len(scripts) == 1:
                by_step[job.step] = exp.add(scripts[0], executor=executors[0], name=job.short_name, dependencies=deps)
            else:
                by_step[job.step] = exp.add(scripts, executor=executors, name=job.short_name, dependencies=deps)
        exp.run(sequential=False, detach=True)
        launched = {exp_job.id: exp_job for exp_job in exp.jobs}
        return [submitted_job(job, launched[job.short_name]) for job in jobs]


def task_script(task: Task, workdir: Path) -> str:
    """The task's shell line. On the bare node it runs from the submit directory, so relative paths (./data) mean
    what they mean locally; nemo-run would otherwise start it in its own job folder."""
    command = "exec " + shlex.join(task.command)
    return command if task.container else f"cd {shlex.quote(str(workdir))} && {command}"


def submitted_job(job: SlurmJob, exp_job: Any) -> SubmittedJob:
    """Slurm id and log path of a launched nemo-run job (its handle ends in the Slurm job id)."""
    handle = exp_job.handle or ""
    job_id = handle.rstrip("/").split("/")[-1]
    if not job_id.isdigit():
        raise RuntimeError(f"submission of {job.name} returned no Slurm job id (handle {handle!r})")
    # The job folder holds the sbatch output and one log-*.out per task (server, client).
    return SubmittedJob(name=job.name, step=job.step, job_id=job_id, log_path=str(exp_job.executor.job_details.folder))


def query_states(job_ids: list[str], tunnel: Any) -> dict[str, str]:
    """Job id -> Slurm state (first word: `CANCELLED by 0` -> CANCELLED) from sacct."""
    result = tunnel.run(f"sacct -X -n -P -o JobID,State -j {','.join(job_ids)}", hide=True)
    states = {}
    for line in result.stdout.splitlines():
        job_id, _, state = line.strip().partition("|")
        if job_id:
            states[job_id] = state.split()[0] if state else "UNKNOWN"
    return states


def wait_for(submitted: list[SubmittedJob], cluster: ClusterConfig, poll_seconds: float) -> None:
    """Poll sacct until every job reached a final state; print each change."""
    tunnel = make_tunnel(cluster)
    terminal = TERMINAL_OK | TERMINAL_BAD
    while True:
        states = query_states([job.job_id for job in submitted], tunnel)
        for job in submitted:
            state = states.get(job.job_id, job.state)  # a job sacct does not list yet keeps its last state
            if state != job.state:
                print(f"{job.name} (job {job.job_id}): {job.state} -> {state}", flush=True)
                job.state = state
        if all(job.state in terminal for job in submitted):
            return
        time.sleep(poll_seconds)


def print_states(submitted: list[SubmittedJob]) -> None:
    """One line per job: name, Slurm id, state, log."""
    for job in submitted:
        print(f"{job.name}: job {job.job_id} {job.state}  log: {job.log_path}", flush=True)

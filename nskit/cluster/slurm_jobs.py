"""A plan as Slurm jobs: which steps to submit (skipping finished ones), their resources and dependencies.

Pure data, no nemo-run: `--dry_run` prints these jobs and the submitter turns each into one nemo-run job (group).
A step that needs a server, a reward model server or a code sandbox becomes one job with several tasks on the same
allocation: the server (spanning all `nodes`), the reward server and the sandbox (on the first node), and the `ns`
client, which waits for their health before it starts.
"""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from nskit.cluster.slurm_tasks import PORT_BASE, PORT_SPAN, REPLICA_STRIDE, REWARD_OFFSET, SANDBOX_PORT_BASE
from nskit.config.cluster import ClusterConfig
from nskit.errors import UserError
from nskit.pipeline.plan import (
    Plan,
    SandboxRequest,
    ServerRequest,
    Step,
    reward_address_arg,
    sandbox_address_arg,
)
from nskit.servers.launch import server_command_line

Service = TypeVar("Service", ServerRequest, SandboxRequest)
SERVER_PORT = f"{PORT_BASE} + SLURM_JOB_ID % {PORT_SPAN}"
"""The server's port inside a job, as --dry_run shows it (slurm_tasks.job_port)."""
REWARD_PORT = f"{PORT_BASE} + (SLURM_JOB_ID + {REWARD_OFFSET}) % {PORT_SPAN}"
"""The reward model server's port inside a job, as --dry_run shows it (slurm_tasks.reward_port)."""
SANDBOX_PORT = f"{SANDBOX_PORT_BASE} + SLURM_JOB_ID % {PORT_SPAN}"
"""The sandbox's port inside a job, as --dry_run shows it (slurm_tasks.sandbox_port)."""


@dataclass
class Task:
    """One srun inside a job: a command line and the container it runs in (None: on the bare node)."""

    role: str
    command: list[str]
    nodes: int = 1
    ntasks: int | None = None
    """Processes of this srun (default: one per node); a server's replicas are one task each."""
    container: str | None = None
    note: str = ""
    """What --dry_run adds below the command (the port a service takes, what the client appends)."""


@dataclass
class SlurmJob:
    """One Slurm job to submit."""

    name: str
    short_name: str
    step: str
    tasks: list[Task]
    nodes: int
    gpus_per_node: int | None
    partition: str | None
    time_limit: str | None
    mounts: list[str]
    after: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """Multi-line summary for --dry_run: resources, container, mounts, dependencies, commands."""
        gpus = self.gpus_per_node if self.gpus_per_node else 0
        head = (f"job {self.name}: nodes={self.nodes} gpus_per_node={gpus} partition={self.partition or '(default)'}"
                f" time={self.time_limit or '(default)'}")
        lines = [head]
        if self.after:
            lines.append(f"  after: {', '.join(self.after)}")
        if self.mounts:
            lines.append(f"  mounts: {', '.join(self.mounts)}")
        for task in self.tasks:
            ntasks = f" tasks={task.ntasks}" if task.ntasks else ""
            lines.append(f"  task {task.role}: nodes={task.nodes}{ntasks} container={task.container or '(none)'}")
            lines.append(f"    {shlex.join(task.command)}")
            if task.note:
                lines.append(f"    ({task.note})")
        return "\n".join(lines)


def step_done(step: Step) -> bool:
    """True when the step declares outputs and all of them exist (re-running it would change nothing)."""
    return bool(step.outputs) and all(Path(path).exists() for path in step.outputs)


def server_image(cluster: ClusterConfig, server_type: str) -> str | None:
    """The container for a server: the image named after its type, else the `server` role; None without containers."""
    return cluster.containers.get(server_type) or cluster.containers.get("server")


def client_image(cluster: ClusterConfig) -> str | None:
    """The container for `ns` steps: the `client` role (NeMo-Skills spells it nemo-skills; nskit also works)."""
    for role in ("client", "nskit", "nemo-skills"):
        if role in cluster.containers:
            return cluster.containers[role]
    return None


def sandbox_image(cluster: ClusterConfig) -> str | None:
    """The container for the code sandbox: the `sandbox` role, else the client's image (`ns sandbox` is part of
    nskit; the image needs bubblewrap); None without containers."""
    return cluster.containers.get("sandbox") or client_image(cluster)


def python_for(image: str | None) -> str:
    """The interpreter of a task: this venv's on a shared filesystem, the image's own `python` in a container."""
    return "python" if image else sys.executable


def server_task_command(server: ServerRequest, python: str) -> list[str]:
    """The in-job server launcher: the request travels as JSON, the port comes from the job id (see slurm_tasks)."""
    return [python, "-m", "nskit", "slurm_task", "server", json.dumps(asdict(server), sort_keys=True)]


def reward_task_command(reward: ServerRequest, first_gpu: int, python: str) -> list[str]:
    """The in-job reward model server: like the policy server's launcher, on `slurm_tasks.reward_port`, its GPUs
    from the job's `first_gpu` on."""
    command = [python, "-m", "nskit", "slurm_task", "reward_server", json.dumps(asdict(reward), sort_keys=True)]
    return command + (["--first_gpu", str(first_gpu)] if first_gpu else [])


def sandbox_task_command(sandbox: SandboxRequest, python: str) -> list[str]:
    """The in-job sandbox launcher: runs `ns sandbox --port P` (`SandboxRequest.ns_argv`), P from the job id."""
    return [python, "-m", "nskit", "slurm_task", "sandbox", json.dumps(asdict(sandbox), sort_keys=True)]


def client_task_command(step: Step, server: ServerRequest | None, python: str,
                        reward: ServerRequest | None = None) -> list[str]:
    """The in-job client: waits for this job's server, sandbox and reward server (those the step needs), then runs
    the step with their addresses appended."""
    command = [python, "-m", "nskit", "slurm_task", "client"]
    if server is not None:
        command += ["--server_type", server.server_type, "--health_timeout", str(int(server.health_timeout))]
        if server.replicas > 1:
            command += ["--replicas", str(server.replicas)]
    if step.needs_sandbox:
        command.append("--sandbox")
    if reward is not None:
        command += ["--reward_server_type", reward.server_type,
                    "--reward_health_timeout", str(int(reward.health_timeout))]
    return [*command, "--", *step.argv]


def sandbox_note(sandbox: SandboxRequest) -> str:
    """The service the sandbox launcher runs, for --dry_run (the port is known only inside the job)."""
    argv = sandbox.ns_argv(0)
    argv[argv.index("--port") + 1] = f"<{SANDBOX_PORT}>"
    return "runs ns " + " ".join(argv)


def client_note(step: Step) -> str:
    """What the client appends to the step's argv, for --dry_run."""
    appended = []
    if step.needs_server:
        appended.append(f"--server_address http://127.0.0.1:<{SERVER_PORT}>/v1")
    if step.needs_sandbox:
        appended.append(sandbox_address_arg(f"http://127.0.0.1:<{SANDBOX_PORT}>"))
    if step.needs_reward_server:
        appended.append(reward_address_arg(f"http://127.0.0.1:<{REWARD_PORT}>/v1"))
    return "runs ns " + shlex.join(step.argv[:1]) + " ... " + " ".join(appended)


def plan_jobs(
    plan: Plan, cluster: ClusterConfig, *, partition: str | None = None, skip_done: bool = True
) -> tuple[list[SlurmJob], list[Step]]:
    """The jobs to submit for `plan`, and the steps skipped because their outputs all exist.

    Dependencies on skipped steps are dropped (what they produce is already there).
    """
    skipped = [step for step in plan.steps if skip_done and step_done(step)]
    skipped_names = {step.name for step in skipped}
    jobs = []
    for step in plan.steps:
        if step.name in skipped_names:
            continue
        after = [name for name in step.after if name not in skipped_names]
        jobs.append(step_job(step, plan, cluster, partition, after))
    return jobs, skipped


def step_job(step: Step, plan: Plan, cluster: ClusterConfig, partition: str | None, after: list[str]) -> SlurmJob:
    """One step as one job. A step that needs a server or a sandbox gets each as a task of the same job, before
    the client task that waits for them."""
    client = client_image(cluster)
    mounts = list(cluster.mounts) if cluster.containers else []
    short_name = f"{plan.name}-{step.name}"
    name = cluster.job_name_prefix + short_name
    server = service_request(step.needs_server, plan.server_for(step), step, "a server")
    sandbox = service_request(step.needs_sandbox, plan.sandbox, step, "a sandbox")
    reward = service_request(step.needs_reward_server, plan.reward_server, step, "a reward server")
    if reward is not None and reward.gpus is None and cluster.gpus_per_node:
        reward = replace(reward, gpus=1)  # --reward_server_gpus not given: one GPU of the node
    reward_gpus = (reward.gpus or 0) if reward is not None else 0
    tasks: list[Task] = []
    if server is not None and server.gpus is None and cluster.gpus_per_node:
        # the server uses the GPUs its job asks for (shared by its replicas), less the reward server's
        server = replace(server, gpus=max((cluster.gpus_per_node - reward_gpus) // server.replicas, 1))
    if server is not None:
        image = server_image(cluster, server.server_type)
        shown = shlex.join(server_command_line(server, f"<{SERVER_PORT}>", python_for(image)))
        ports = f"port {SERVER_PORT}" if server.replicas == 1 else (
            f"{server.replicas} replicas, one task each: replica i on port {SERVER_PORT} + i * {REPLICA_STRIDE}")
        tasks.append(Task("server", server_task_command(server, python_for(image)), nodes=server.nodes,
                          ntasks=server.replicas if server.replicas > 1 else None, container=image,
                          note=f"{ports}; runs {shown}"))
    policy_gpus = server.gpus * server.replicas if server is not None and server.gpus else 0
    if reward is not None:
        image = server_image(cluster, reward.server_type)
        shown = shlex.join(server_command_line(reward, f"<{REWARD_PORT}>", python_for(image)))
        on_gpus = f"; GPUs {policy_gpus}-{policy_gpus + reward_gpus - 1} of the job" if reward_gpus else ""
        tasks.append(Task("reward_server", reward_task_command(reward, policy_gpus, python_for(image)),
                          container=image, note=f"port {REWARD_PORT}{on_gpus}; runs {shown}"))
    if sandbox is not None:
        image = sandbox_image(cluster)
        tasks.append(Task("sandbox", sandbox_task_command(sandbox, python_for(image)), container=image,
                          note=sandbox_note(sandbox)))
    if tasks:
        tasks.append(Task("client", client_task_command(step, server, python_for(client), reward), container=client,
                          note=client_note(step)))
    else:
        tasks.append(Task("main", [python_for(client), "-m", "nskit", *step.argv], container=client))
    if server is not None:
        chosen = partition or cluster.partition
        nodes = server.nodes
        gpus = (policy_gpus + reward_gpus) if server.gpus is not None else cluster.gpus_per_node
    elif reward is not None:
        chosen, nodes, gpus = partition or cluster.partition, 1, reward_gpus
    elif step.gpus:
        chosen, nodes, gpus = partition or cluster.partition, 1, step.gpus
    else:
        chosen = partition or cluster.cpu_partition or cluster.partition
        nodes, gpus = 1, None
    if reward_gpus and cluster.gpus_per_node and gpus and gpus > cluster.gpus_per_node:
        raise UserError(f"step {step.name}: the server's {policy_gpus} GPU(s) and the reward server's {reward_gpus} "
                        f"do not fit in a node of {cluster.gpus_per_node} (gpus_per_node of {cluster.source}); "
                        "lower --server_gpus or --reward_server_gpus")
    return SlurmJob(name=name, short_name=short_name, step=step.name, tasks=tasks, nodes=nodes,
                    gpus_per_node=gpus or None, partition=chosen, time_limit=cluster.time_limit(chosen),
                    mounts=mounts, after=after)


def service_request(needed: bool, request: Service | None, step: Step, what: str) -> Service | None:
    """The plan's request for a service the step needs (None when it needs none); an error when the plan has none."""
    if not needed:
        return None
    if request is None:
        raise ValueError(f"step {step.name} needs {what} but the plan has none")
    return request


def describe_jobs(jobs: list[SlurmJob], skipped: list[Step], run_after: list[str]) -> str:
    """The whole submission as --dry_run prints it."""
    lines = [f"{len(jobs)} Slurm job(s) to submit"]
    if run_after:
        lines.append(f"all after the jobs of: {', '.join(run_after)}")
    for step in skipped:
        lines.append(f"skip {step.name}: outputs exist ({len(step.outputs)} file(s))")
    lines += [job.describe() for job in jobs]
    return "\n".join(lines)

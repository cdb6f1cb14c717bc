"""What runs inside a Slurm job: `ns slurm_task server|sandbox|client ...` (the hidden commands of cli/slurm_task.py).

The tasks of one job find each other without a shared file: each derives its port from `SLURM_JOB_ID` (two jobs
on one node get different ports; the server's and the sandbox's ranges do not overlap), and the client runs on the
job's first node, where server rank 0 and the sandbox listen on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from nskit.logs import LOG_FILE_ENV

if TYPE_CHECKING:
    from nskit.servers.launch import ServerRequest
    from nskit.servers.process import ServerProcess

PORT_BASE = 20000
SANDBOX_PORT_BASE = 40000
PORT_SPAN = 20000
REPLICA_STRIDE = 1009
"""Replica i of a job listens on the port of job id + i * REPLICA_STRIDE (a prime): replica 0 keeps `job_port`."""
REWARD_OFFSET = 10007
"""The reward model's server listens on the port of job id + REWARD_OFFSET (a prime no replica stride reaches)."""


def current_job_id(job_id: str | None = None) -> str:
    """`job_id`, else this job's SLURM_JOB_ID; an error outside a Slurm job."""
    value = job_id if job_id is not None else os.environ.get("SLURM_JOB_ID")
    if not value:
        raise RuntimeError("SLURM_JOB_ID is not set: ns slurm_task runs inside a Slurm job only")
    return value


def _server_port(job_id: str | None, offset: int) -> int:
    return PORT_BASE + (int(current_job_id(job_id).split("_")[0]) + offset) % PORT_SPAN


def job_port(job_id: str | None = None, replica: int = 0) -> int:
    """The server port of a job (of its replica `replica`): the same in every task of the job, different for jobs
    that share a node."""
    return _server_port(job_id, replica * REPLICA_STRIDE)


def reward_port(job_id: str | None = None) -> int:
    """The reward model server's port of a job: in the servers' range, REWARD_OFFSET away from the policy's."""
    return _server_port(job_id, REWARD_OFFSET)


def sandbox_port(job_id: str | None = None) -> int:
    """The code sandbox's port of a job: like `job_port`, in a range of its own (40000-59999)."""
    return SANDBOX_PORT_BASE + int(current_job_id(job_id).split("_")[0]) % PORT_SPAN


def log_dir() -> Path:
    """Where server logs go: the run's log dir when the submitter set it, else the current directory."""
    return Path(os.environ.get("NSKIT_JOB_LOG_DIR", "."))


def serve(request_json: str) -> int:
    """Rank 0 serves the model until the job ends; other ranks hold their node (see the module docstring)."""
    from nskit.proc import terminate_on_sigterm
    from nskit.servers.launch import ServerRequest, launch_server

    request = ServerRequest(**json.loads(request_json))
    rank = int(os.environ.get("SLURM_PROCID", "0"))
    terminate_on_sigterm()
    if request.replicas > 1:
        return serve_replica(request, rank)
    port = job_port()
    if request.nodes > 1:
        return serve_multinode(request, rank, port)
    job = os.environ.get("SLURM_JOB_ID", "local")
    server = launch_server(request, log_dir() / f"server-{job}.log", port=port)
    print(f"starting {request.server_type} server for {request.model} on port {port} (log {server.log_path})",
          flush=True)
    serve_until_exit(server, "server")
    return 1


def serve_until_exit(server: ServerProcess, what: str) -> None:
    """Start `server`, keep it up while it runs. Normally the job ends this task (SIGTERM) once the client is done;
    returning means the server died."""
    with server:
        print(f"{what} healthy at {server.base_url}", flush=True)
        while server.running:
            time.sleep(2)
    print(f"{what} exited before the job ended; log {server.log_path}", file=sys.stderr, flush=True)


def serve_multinode(request: ServerRequest, rank: int, port: int) -> int:
    """One server over the job's nodes through Ray: rank 0 starts the head, waits for every node, then serves;
    the other ranks join the head and stay until the job ends. Each rank stops its own Ray node on the way out."""
    from nskit.proc.group import start_in_group, stop_group
    from nskit.servers import ray_cluster
    from nskit.servers.launch import launch_server

    job = current_job_id()
    address = ray_cluster.head_address(ray_cluster.head_node(os.environ["SLURM_JOB_NODELIST"]),
                                       ray_cluster.ray_port(job))
    ray = ray_cluster.ray_executable()
    if rank != 0:
        print(f"server rank {rank}: joining the Ray cluster at {address}", flush=True)
        node = start_in_group(ray_cluster.join_command(address, request.gpus, ray))
        try:
            return node.wait()
        finally:
            stop_group(node, grace=30)
    head = start_in_group(ray_cluster.start_head_command(ray_cluster.ray_port(job), request.gpus, ray))
    try:
        ray_cluster.wait_for_nodes(address, request.nodes, request.health_timeout, head=head)
        print(f"Ray cluster at {address}: {request.nodes} nodes joined; starting the server", flush=True)
        server = launch_server(request, log_dir() / f"server-{job}.log", port=port,
                               base_env={"RAY_ADDRESS": address})
        serve_until_exit(server, "server")
        return 1
    finally:
        stop_group(head, grace=30)


def serve_replica(request: ServerRequest, index: int) -> int:
    """Task `index` of the server srun serves replica `index` on its own port and slice of the job's GPUs."""
    from nskit.servers.launch import launch_server
    from nskit.servers.replicas import replica_gpus

    port = job_port(replica=index)
    job = os.environ.get("SLURM_JOB_ID", "local")
    server = launch_server(request, log_dir() / f"server-{job}-{index}.log", port=port,
                           base_env=replica_gpus(index, request.gpus))
    print(f"starting replica {index} on port {port} (log {server.log_path})", flush=True)
    serve_until_exit(server, f"replica {index}")
    # A dead replica must not end the srun of its siblings (nemo-run's --kill-on-bad-exit): the client sends its
    # requests to the others, so this task holds on until the job ends it.
    while True:
        time.sleep(30)


def serve_reward(request_json: str, first_gpu: int = 0) -> int:
    """Serve the reward model (`--reward_model`) until the job ends, on `reward_port`; with GPUs, on the job's
    GPUs from `first_gpu` on (those before it are the policy server's)."""
    from nskit.proc import terminate_on_sigterm
    from nskit.servers.launch import ServerRequest, launch_server
    from nskit.servers.replicas import gpu_slice

    request = ServerRequest(**json.loads(request_json))
    terminate_on_sigterm()
    port = reward_port()
    server = launch_server(request, log_dir() / f"reward-server-{current_job_id()}.log", port=port,
                           base_env=gpu_slice(first_gpu, request.gpus))
    print(f"starting the reward server ({request.server_type}) for {request.model} on port {port} "
          f"(log {server.log_path})", flush=True)
    serve_until_exit(server, "reward server")
    return 1


def sandbox_command(request_json: str, port: int) -> list[str]:
    """`python -m nskit sandbox --port PORT ...`: the plan's SandboxRequest (as JSON) served on `port`."""
    from nskit.pipeline.plan import SandboxRequest

    request = SandboxRequest(**json.loads(request_json))
    return [sys.executable, "-m", "nskit", *request.ns_argv(port)]


def run_sandbox(request_json: str) -> int:
    """Replace this process with the job's sandbox service; its output goes to `<log dir>/sandbox-<job>.log`.

    The service itself handles SIGTERM (kills its sandboxes, then stops), which is what Slurm sends to the job's
    remaining tasks when the client has ended.
    """
    command = sandbox_command(request_json, sandbox_port())
    log_path = log_dir() / f"sandbox-{current_job_id()}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"starting the code sandbox on port {sandbox_port()} (log {log_path}): {' '.join(command)}", flush=True)
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    os.execve(sys.executable, command, os.environ.copy())
    return 0  # not reached: execve replaces the process


def wait_healthy(url: str, timeout: float, what: str) -> None:
    """Block until `url` answers 200; TimeoutError naming `what` after `timeout` seconds."""
    from nskit.proc import is_healthy

    deadline = time.monotonic() + timeout
    while not is_healthy(url):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} of job {os.environ.get('SLURM_JOB_ID')} not healthy at {url} after "
                               f"{timeout:.0f} s (see the {what} task's log)")
        time.sleep(2)


def wait_for_server(server_type: str, timeout: float, replicas: int = 1) -> str:
    """Block until this job's server (each of its replicas) answers its health check; return its OpenAI base URL
    (the replicas' URLs, comma-separated)."""
    from nskit.servers import get_server_type

    addresses = []
    for replica in range(replicas):
        port = job_port(replica=replica)
        what = "server" if replicas == 1 else f"server replica {replica}"
        wait_healthy(f"http://127.0.0.1:{port}{get_server_type(server_type).health_path()}", timeout, what)
        addresses.append(f"http://127.0.0.1:{port}/v1")
    return ",".join(addresses)


def wait_for_sandbox(timeout: float) -> str:
    """Block until this job's code sandbox answers /health; return its base URL."""
    address = f"http://127.0.0.1:{sandbox_port()}"
    wait_healthy(f"{address}/health", timeout, "sandbox")
    return address


def wait_for_reward_server(server_type: str, timeout: float) -> str:
    """Block until this job's reward server answers its health check; return its base URL."""
    from nskit.servers import get_server_type

    port = reward_port()
    wait_healthy(f"http://127.0.0.1:{port}{get_server_type(server_type).health_path()}", timeout, "reward server")
    return f"http://127.0.0.1:{port}/v1"


def client_command(argv: list[str], server_address: str | None, sandbox_address: str | None,
                   reward_address: str | None = None) -> list[str]:
    """The step's command line with the job's own services appended, in the order the local executor uses."""
    from nskit.pipeline.plan import reward_address_arg, sandbox_address_arg

    command = [sys.executable, "-m", "nskit", *argv]
    if server_address is not None:
        command += ["--server_address", server_address]
    if sandbox_address is not None:
        command.append(sandbox_address_arg(sandbox_address))
    if reward_address is not None:
        command.append(reward_address_arg(reward_address))
    return command


def client(server_type: str | None, timeout: float, argv: list[str], *, sandbox: bool = False,
           sandbox_timeout: float = 300.0, replicas: int = 1, reward_server_type: str | None = None,
           reward_timeout: float = 900.0) -> int:
    """Wait for the job's server (when `server_type` is given), sandbox (when `sandbox`) and reward server (when
    `reward_server_type` is given), then replace this process with the step, their addresses appended."""
    started = time.monotonic()
    sandbox_address = None
    if sandbox:  # first: it is up in seconds, and a broken one should not wait out the server's timeout
        sandbox_address = wait_for_sandbox(sandbox_timeout)
        print(f"sandbox ready at {sandbox_address} after {time.monotonic() - started:.0f} s", flush=True)
    server_address = None
    if server_type is not None:
        server_address = wait_for_server(server_type, timeout, replicas)
        print(f"server ready at {server_address} after {time.monotonic() - started:.0f} s", flush=True)
    reward_address = None
    if reward_server_type is not None:
        reward_address = wait_for_reward_server(reward_server_type, reward_timeout)
        print(f"reward server ready at {reward_address} after {time.monotonic() - started:.0f} s", flush=True)
    command = client_command(argv, server_address, sandbox_address, reward_address)
    os.execve(sys.executable, command, os.environ.copy())
    return 0  # not reached: execve replaces the process


def run_client(server_type: str | None, timeout: float, argv: list[str], *, sandbox: bool = False,
               sandbox_timeout: float = 300.0, replicas: int = 1, reward_server_type: str | None = None,
               reward_timeout: float = 900.0) -> int:
    """`ns slurm_task client`: log to the step's log file, then `client`."""
    if LOG_FILE_ENV not in os.environ:
        os.environ[LOG_FILE_ENV] = str(log_dir() / f"{os.environ.get('NSKIT_STEP', 'step')}.log")
    return client(server_type, timeout, argv, sandbox=sandbox, sandbox_timeout=sandbox_timeout, replicas=replicas,
                  reward_server_type=reward_server_type, reward_timeout=reward_timeout)

"""What runs inside a Slurm job: `python -m nskit.cluster.slurm_tasks server|client ...`.

The server and the client of one job find each other without a shared file: both derive the port from
`SLURM_JOB_ID` (two jobs on one node get different ports), and the client runs on the job's first node, where
server rank 0 listens on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from nskit.logs import LOG_FILE_ENV

PORT_BASE = 20000
PORT_SPAN = 20000


def job_port(job_id: str | None = None) -> int:
    """The server port of a job: the same in every task of the job, different for jobs that share a node."""
    value = job_id if job_id is not None else os.environ.get("SLURM_JOB_ID")
    if not value:
        raise RuntimeError("SLURM_JOB_ID is not set: slurm_tasks runs inside a Slurm job only")
    return PORT_BASE + int(value.split("_")[0]) % PORT_SPAN


def log_dir() -> Path:
    """Where server logs go: the run's log dir when the submitter set it, else the current directory."""
    return Path(os.environ.get("NSKIT_JOB_LOG_DIR", "."))


def serve(request_json: str) -> int:
    """Rank 0 serves the model until the job ends; other ranks hold their node (see the module docstring)."""
    from nskit.cluster.local import terminate_on_sigterm
    from nskit.pipeline.plan import ServerRequest
    from nskit.servers import LaunchSpec, ServerProcess, get_server_type

    request = ServerRequest(**json.loads(request_json))
    port = job_port()
    rank = int(os.environ.get("SLURM_PROCID", "0"))
    kind = get_server_type(request.server_type)
    terminate_on_sigterm()
    if rank != 0:
        # The server types launch one process on the head node; a worker-side launch (e.g. a Ray worker) belongs in
        # servers/. Until a type provides one, the other nodes stay allocated for the head's own use and idle.
        print(f"server rank {rank}: node held for the server on the head node (port {port})", flush=True)
        while True:
            time.sleep(30)
    spec = LaunchSpec(model=request.model, port=port, gpus=request.gpus, nodes=request.nodes,
                      extra_args=tuple(request.args), env=request.env)
    job = os.environ.get("SLURM_JOB_ID", "local")
    server = ServerProcess(kind, spec, log_dir() / f"server-{job}.log", health_timeout=request.health_timeout)
    print(f"starting {request.server_type} server for {request.model} on port {port} (log {server.log_path})",
          flush=True)
    with server:
        print(f"server healthy at {server.base_url}", flush=True)
        while server._process is not None and server._process.poll() is None:
            time.sleep(2)
    # Normally the job ends this task (SIGTERM) once the client is done; reaching here means the server died.
    print(f"server exited before the job ended; log {server.log_path}", file=sys.stderr, flush=True)
    return 1


def wait_for_server(server_type: str, timeout: float) -> str:
    """Block until this job's server answers its health check; return its OpenAI base URL."""
    from nskit.servers import get_server_type
    from nskit.servers.process import is_healthy

    port = job_port()
    url = f"http://127.0.0.1:{port}{get_server_type(server_type).health_path()}"
    deadline = time.monotonic() + timeout
    while not is_healthy(url):
        if time.monotonic() > deadline:
            raise TimeoutError(f"server of job {os.environ.get('SLURM_JOB_ID')} not healthy at {url} after "
                               f"{timeout:.0f} s (see the server task's log)")
        time.sleep(2)
    return f"http://127.0.0.1:{port}/v1"


def client(server_type: str, timeout: float, argv: list[str]) -> int:
    """Wait for the job's server, then replace this process with `python -m nskit <argv> --server_address URL`."""
    started = time.monotonic()
    address = wait_for_server(server_type, timeout)
    print(f"server ready at {address} after {time.monotonic() - started:.0f} s", flush=True)
    command = [sys.executable, "-m", "nskit", *argv, "--server_address", address]
    os.execve(sys.executable, command, os.environ.copy())
    return 0  # not reached: execve replaces the process


def main(args: list[str] | None = None) -> int:
    """Entry point of both tasks."""
    parser = argparse.ArgumentParser(prog="python -m nskit.cluster.slurm_tasks")
    sub = parser.add_subparsers(dest="task", required=True)
    server_parser = sub.add_parser("server", help="start this job's server and keep it up")
    server_parser.add_argument("request", help="the plan's ServerRequest as JSON")
    client_parser = sub.add_parser("client", help="wait for this job's server, then run an ns step")
    client_parser.add_argument("--server_type", default="vllm")
    client_parser.add_argument("--health_timeout", type=float, default=900.0)
    client_parser.add_argument("argv", nargs=argparse.REMAINDER, help="-- then the ns command line")
    parsed = parser.parse_args(args)
    if parsed.task == "server":
        return serve(parsed.request)
    argv = parsed.argv[1:] if parsed.argv[:1] == ["--"] else parsed.argv
    if LOG_FILE_ENV not in os.environ:
        os.environ[LOG_FILE_ENV] = str(log_dir() / f"{os.environ.get('NSKIT_STEP', 'step')}.log")
    return client(parsed.server_type, parsed.health_timeout, argv)


if __name__ == "__main__":
    sys.exit(main())

"""A Ray cluster over a server's nodes, for vLLM across several nodes (`--server_nodes N`).

Inside a Slurm job the server's srun runs one task per node: task 0 starts the Ray head, the others join it with
`ray start --address HEAD:PORT --block`, and task 0 starts vLLM (tensor parallel inside a node, pipeline parallel
across nodes, `--distributed-executor-backend ray`) once every node has joined, so the client's health wait covers
the Ray cluster too. `ray stop --force` on every node tears the cluster down with the job. Ray itself does the
work (PyPI `ray`, installed with vLLM's GPU builds); nothing here launches workers by hand.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

RAY_PORT_BASE = 60000
RAY_PORT_SPAN = 5000


def ray_port(job_id: str) -> int:
    """The Ray head's GCS port of a job (60000-64999): jobs sharing a node get different ones."""
    return RAY_PORT_BASE + int(job_id.split("_")[0]) % RAY_PORT_SPAN


def head_node(nodelist: str) -> str:
    """The first host of a Slurm node list (`scontrol show hostnames` expands `node[01-04]`)."""
    out = subprocess.run(["scontrol", "show", "hostnames", nodelist], capture_output=True, text=True, check=True)
    return out.stdout.split()[0]


def head_address(host: str, port: int) -> str:
    """`ip:port` of the head (an IP: Ray's nodes register by address)."""
    return f"{socket.gethostbyname(host)}:{port}"


def start_head_command(port: int, gpus: int | None) -> list[str]:
    """`ray start --head` as a daemon on this node (no dashboard: its fixed port would collide across jobs)."""
    argv = ["ray", "start", "--head", f"--port={port}", "--include-dashboard=false", "--disable-usage-stats"]
    if gpus:
        argv.append(f"--num-gpus={gpus}")
    return argv


def join_command(address: str, gpus: int | None) -> list[str]:
    """`ray start --address` in the foreground: the worker node stays in the cluster until the job ends it."""
    argv = ["ray", "start", f"--address={address}", "--block", "--disable-usage-stats"]
    if gpus:
        argv.append(f"--num-gpus={gpus}")
    return argv


STOP_COMMAND = ["ray", "stop", "--force"]


def alive_nodes(address: str, python: str = sys.executable) -> int:
    """How many nodes of the Ray cluster at `address` are alive (0 when it does not answer yet)."""
    probe = ("import json, ray; ray.init(address=%r, logging_level='ERROR'); "
             "print(json.dumps(sum(1 for n in ray.nodes() if n['Alive'])))" % address)
    result = subprocess.run([python, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        return 0
    return int(json.loads(result.stdout.strip().splitlines()[-1]))


def wait_for_nodes(address: str, nodes: int, timeout: float) -> None:
    """Block until `nodes` nodes have joined the cluster; TimeoutError naming how many did."""
    deadline = time.monotonic() + timeout
    joined = 0
    while time.monotonic() < deadline:
        joined = alive_nodes(address)
        if joined >= nodes:
            return
        time.sleep(3)
    raise TimeoutError(f"only {joined} of {nodes} nodes joined the Ray cluster at {address} in {timeout:.0f} s")

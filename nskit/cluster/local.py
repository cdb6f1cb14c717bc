"""The local executor: runs a plan's steps as supervised child processes on this machine, in order.

The plan's server and its code sandbox are each started just before the first step that needs them and stopped
after the last one (and on any failure, Ctrl-C or SIGTERM). Each step's messages also go to `<log_dir>/<step>.log`.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

from nskit.proc import spawn_supervised, stop_supervised
from nskit.pipeline.plan import MAIN_SERVER, Plan, Step, reward_address_arg, sandbox_address_arg
from nskit.sandbox import SandboxProcess, SandboxStartError
from nskit.servers import ServerProcess
from nskit.servers.launch import launch_replicas
from nskit.servers.replicas import ServerGroup

log = logging.getLogger(__name__)


class StepFailed(RuntimeError):
    """A step exited non-zero."""


def run_step(
    step: Step, env: dict[str, str], log_dir: Path, server_address: str | None, sandbox_address: str | None = None,
    reward_address: str | None = None,
) -> None:
    """Run one `ns` command line to completion; raise StepFailed naming its log on a non-zero exit."""
    argv = list(step.argv)
    if step.needs_server:
        if server_address is None:
            raise RuntimeError(f"step {step.name} needs a server but none is running")
        argv += ["--server_address", server_address]
    if step.needs_sandbox:
        if sandbox_address is None:
            raise RuntimeError(f"step {step.name} needs a sandbox but none is running")
        argv.append(sandbox_address_arg(sandbox_address))
    if step.needs_reward_server:
        if reward_address is None:
            raise RuntimeError(f"step {step.name} needs a reward server but none is running")
        argv.append(reward_address_arg(reward_address))
    log_file = log_dir / f"{step.name}.log"
    log.info("step %s: %s", step.name, step.command_line())
    started = time.monotonic()
    # Wide lines: the step's console output is not a terminal, and its log should not be wrapped at 80 columns.
    process = spawn_supervised([sys.executable, "-m", "nskit", *argv], env={**env, "COLUMNS": "160"}, pipe_output=True)
    try:
        tee(process, log_file)
        code = process.wait()
    finally:
        stop_supervised(process)
    if code != 0:
        raise StepFailed(f"step {step.name} failed with exit code {code}; log: {log_file}")
    log.info("step %s done in %.1f s", step.name, time.monotonic() - started)


def tee(process: subprocess.Popen, log_file: Path) -> None:
    """Copy a step's output to the console and to its log file as it comes."""
    with open(log_file, "ab") as log_handle:
        for line in process.stdout:
            sys.stdout.buffer.write(line)
            sys.stdout.flush()
            log_handle.write(line)
            log_handle.flush()


def run_plan(plan: Plan, log_dir: Path) -> None:
    """Run every step of `plan` on this machine; one server runs at a time (the model's, then the judge's)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    last_use = {s.server: i for i, s in enumerate(plan.steps) if s.needs_server}
    last_sandbox_step = max((i for i, s in enumerate(plan.steps) if s.needs_sandbox), default=-1)
    server: ServerProcess | ServerGroup | None = None
    server_name = ""
    last_reward_step = max((i for i, s in enumerate(plan.steps) if s.needs_reward_server), default=-1)
    sandbox: SandboxProcess | None = None
    reward: ServerProcess | ServerGroup | None = None
    try:
        for index, step in enumerate(plan.steps):
            if step.needs_sandbox and sandbox is None:
                sandbox = start_sandbox(plan, log_dir)  # first: it fails in seconds, a server takes minutes
            if step.needs_reward_server and reward is None:
                reward = start_reward_server(plan, log_dir)
            if step.needs_server and (server is None or server_name != step.server):
                if server is not None:
                    server.stop()
                server, server_name = start_server(plan, step, log_dir), step.server
            try:
                run_step(step, plan.env, log_dir, server.base_url if step.needs_server and server else None,
                         sandbox.base_url if sandbox else None, reward.base_url if reward else None)
            except StepFailed as exc:
                logs = [f"server log: {server.log_path}"] if server else []
                logs += [f"sandbox log: {sandbox.log_path}"] if sandbox else []
                logs += [f"reward server log: {reward.log_path}"] if reward else []
                if logs:
                    raise StepFailed("; ".join([str(exc), *logs])) from None
                raise
            if server is not None and index >= last_use.get(server_name, -1):
                server.stop()
                server = None
            if sandbox is not None and index >= last_sandbox_step:
                sandbox.stop()
                sandbox = None
            if reward is not None and index >= last_reward_step:
                reward.stop()
                reward = None
    finally:
        try:
            if server is not None:
                server.stop()
        finally:
            try:
                if sandbox is not None:
                    sandbox.stop()
            finally:
                if reward is not None:
                    reward.stop()


def start_sandbox(plan: Plan, log_dir: Path) -> SandboxProcess:
    """Start the plan's code sandbox service on a free port; StepFailed with its log when it does not come up."""
    request = plan.sandbox
    if request is None:
        raise RuntimeError("plan has steps that need a sandbox but no sandbox request")
    sandbox = SandboxProcess(port=0, args=request.service_args(), log_path=str(log_dir / "sandbox.log"))
    log.info("starting the code sandbox (log: %s)", sandbox.log_path)
    try:
        sandbox.start()
    except SandboxStartError as exc:
        raise StepFailed(f"the code sandbox did not start: {exc}") from None
    log.info("sandbox ready at %s", sandbox.base_url)
    return sandbox


def start_reward_server(plan: Plan, log_dir: Path) -> ServerProcess | ServerGroup:
    """Start the plan's reward model server on a free port and wait until it is healthy."""
    request = plan.reward_server
    if request is None:
        raise RuntimeError("plan has steps that need a reward server but no reward server request")
    server = launch_replicas(request, log_dir / "reward-server.log", base_env=plan.env)
    log.info("starting the reward server for %s (log: %s)", request.model, server.log_path)
    server.start()
    log.info("reward server healthy at %s", server.base_url)
    return server


def start_server(plan: Plan, step: Step, log_dir: Path) -> ServerProcess | ServerGroup:
    """Start the server `step` needs (all its replicas) on free ports and wait until it is healthy."""
    request = plan.server_for(step)
    if request is None:
        raise RuntimeError(f"step {step.name} needs the {step.server} server but the plan has none")
    log_name = "server.log" if step.server == MAIN_SERVER else f"{step.server}-server.log"
    server = launch_replicas(request, log_dir / log_name, base_env=plan.env)
    log.info("starting %s server for %s (log: %s)", request.server_type, request.model, server.log_path)
    started = time.monotonic()
    server.start()
    log.info("server healthy at %s after %.0f s", server.base_url, time.monotonic() - started)
    return server

"""A plan: optional servers (the model's, the judge's), an optional code sandbox and a list of `ns` command lines
with their dependencies."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from nskit.servers.launch import ServerRequest, server_command_line

__all__ = ["JUDGE_SERVER", "MAIN_SERVER", "Plan", "SandboxRequest", "ServerRequest", "Step", "reward_address_arg",
           "sandbox_address_arg"]


@dataclass
class SandboxRequest:
    """The code-execution sandbox service (`ns sandbox`) that `needs_sandbox` steps use, on the steps' node.

    An executor starts it before the first such step, keeps it for the others, always stops it, and gives each
    such step its address with `sandbox_address_arg`.
    """

    max_sessions: int = 64
    """Live stateful sessions (one per solution in flight); more than this evicts the least recently used."""
    workers: int | None = None
    """Snippets run at once (None: the service default, 2 x cores)."""

    def ns_argv(self, port: int) -> list[str]:
        """`ns` arguments that serve it on 127.0.0.1:`port` in the foreground (for a Slurm job's own task)."""
        return ["sandbox", "--port", str(port), *self.service_args()]

    def service_args(self) -> list[str]:
        """Its settings as flags of `ns sandbox` (what `SandboxProcess` adds to host and port)."""
        flags = ["--max_sessions", str(self.max_sessions)]
        if self.workers is not None:
            flags += ["--workers", str(self.workers)]
        return flags


def sandbox_address_arg(address: str) -> str:
    """What a `needs_sandbox` step gets appended to its argv: the generation setting naming the sandbox URL."""
    return f"++sandbox_address={address}"


MAIN_SERVER = "main"
JUDGE_SERVER = "judge"


def reward_address_arg(address: str) -> str:
    """What a `needs_reward_server` step gets appended to its argv: the setting naming the reward server URL."""
    return f"++reward_server_address={address}"


@dataclass
class Step:
    """One `ns` command line. `needs_server` steps get `--server_address` of the plan's server named `server`
    (the model's, or the judge's) appended; `needs_sandbox` steps get `sandbox_address_arg` of the plan's sandbox."""

    name: str
    argv: list[str]
    needs_server: bool = False
    needs_sandbox: bool = False
    needs_reward_server: bool = False
    """Gets `reward_address_arg` of the plan's reward server (the `reward_model` scorer), running beside the main one."""
    server: str = MAIN_SERVER
    """Which of the plan's servers a `needs_server` step talks to: MAIN_SERVER or JUDGE_SERVER."""
    after: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    """Files the step produces: a step whose outputs all exist can be skipped by an executor that resubmits."""
    gpus: int | None = None
    """GPUs the step itself uses (an engine build); a Slurm job for it asks for them on the GPU partition."""

    def command_line(self) -> str:
        """The step as a shell command line (what --dry_run prints)."""
        return shlex.join(["ns", *self.argv])


@dataclass
class Plan:
    """What a run consists of; executors run it, --dry_run prints it."""

    name: str
    steps: list[Step]
    server: ServerRequest | None = None
    env: dict[str, str] = field(default_factory=dict)
    sandbox: SandboxRequest | None = None
    judge_server: ServerRequest | None = None
    """A server of its own for the judge steps (a judge model that is not the one being evaluated)."""
    reward_server: ServerRequest | None = None
    """The reward model's server (`--reward_model`) for `needs_reward_server` steps."""

    def server_for(self, step: Step) -> ServerRequest | None:
        """The server a `needs_server` step talks to (None when the plan has none of that name)."""
        return self.judge_server if step.server == JUDGE_SERVER else self.server

    def describe(self) -> str:
        """Human-readable plan."""
        lines = [f"plan {self.name}:"]
        if self.server:
            s = self.server
            replicas = f" replicas={s.replicas}" if s.replicas > 1 else ""
            lines.append(f"  server: {s.server_type} model={s.model} gpus={s.gpus} nodes={s.nodes}{replicas} "
                         f"args={shlex.join(s.args)}")
            lines.append(f"    runs: {shlex.join(server_command_line(s))}")
        if self.judge_server:
            s = self.judge_server
            lines.append(f"  judge server: {s.server_type} model={s.model} gpus={s.gpus} nodes={s.nodes} "
                         f"args={shlex.join(s.args)}")
            lines.append(f"    runs: {shlex.join(server_command_line(s))}")
        if self.reward_server:
            s = self.reward_server
            lines.append(f"  reward server: {s.server_type} model={s.model} args={shlex.join(s.args)}")
            lines.append(f"    runs: {shlex.join(server_command_line(s))}")
        if self.sandbox:
            lines.append(f"  sandbox: max_sessions={self.sandbox.max_sessions} workers={self.sandbox.workers}")
        for step in self.steps:
            server = (" [needs judge server]" if step.server == JUDGE_SERVER else " [needs server]") if step.needs_server else ""
            marks = server + (" [needs sandbox]" if step.needs_sandbox else "")
            marks += " [needs reward server]" if step.needs_reward_server else ""
            after = f" (after {', '.join(step.after)})" if step.after else ""
            lines.append(f"  {step.name}{marks}{after}: {step.command_line()}")
        return "\n".join(lines)

"""A plan: an optional server and a list of `ns` command lines with their dependencies."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field


@dataclass
class ServerRequest:
    """The server the steps that `needs_server` talk to."""

    server_type: str
    model: str
    gpus: int | None = None
    nodes: int = 1
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    health_timeout: float = 900.0


@dataclass
class Step:
    """One `ns` command line. `needs_server` steps get `--server_address` of the plan's server appended."""

    name: str
    argv: list[str]
    needs_server: bool = False
    after: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    """Files the step produces: a step whose outputs all exist can be skipped by an executor that resubmits."""

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

    def describe(self) -> str:
        """Human-readable plan."""
        lines = [f"plan {self.name}:"]
        if self.server:
            s = self.server
            lines.append(f"  server: {s.server_type} model={s.model} gpus={s.gpus} nodes={s.nodes} args={shlex.join(s.args)}")
        for step in self.steps:
            marks = " [needs server]" if step.needs_server else ""
            after = f" (after {', '.join(step.after)})" if step.after else ""
            lines.append(f"  {step.name}{marks}{after}: {step.command_line()}")
        return "\n".join(lines)

"""What one execution returns, shared by the service (which builds it) and the client (which parses it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

Status = Literal["ok", "error", "timeout", "memory", "output_limit", "killed", "sandbox_error"]
"""ok: ran to the end. error: the snippet raised (``stderr`` ends with the trimmed traceback). timeout: wall or
CPU time limit. memory: MemoryError at the address-space limit. output_limit: stdout + stderr grew past the limit.
killed: the interpreter died of a signal (e.g. a segfault in C code). sandbox_error: the sandbox itself failed."""

STATUSES: tuple[str, ...] = get_args(Status)


@dataclass(frozen=True)
class ExecutionResult:
    """Outcome of one snippet. ``stdout``/``stderr`` are text (undecodable bytes replaced)."""

    status: Status
    stdout: str
    stderr: str
    wall_time: float
    """Seconds from the start of execution to the result, measured in the service."""
    error: str = ""
    """One line saying what went wrong (``ZeroDivisionError: division by zero``, ``wall time limit 10 s``)."""
    session_reset: bool = False
    """The session's interpreter was (re)started for this snippet after it had run before: earlier variables are
    gone (an earlier snippet of the session timed out, ran out of memory, or the session expired)."""

    @property
    def ok(self) -> bool:
        """True when the snippet ran to the end without raising."""
        return self.status == "ok"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the service's response body)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExecutionResult:
        """Parse a response body; unknown statuses and missing fields are errors, not guesses."""
        status = data.get("status")
        if status not in STATUSES:
            raise ValueError(f"sandbox result: unknown status {status!r}; expected one of {STATUSES}")
        missing = [key for key in ("stdout", "stderr", "wall_time") if key not in data]
        if missing:
            raise ValueError(f"sandbox result: missing fields {missing} in {sorted(data)}")
        return cls(
            status=status,
            stdout=str(data["stdout"]),
            stderr=str(data["stderr"]),
            wall_time=float(data["wall_time"]),
            error=str(data.get("error", "")),
            session_reset=bool(data.get("session_reset", False)),
        )


def trim_traceback(traceback_text: str, keep_lines: int) -> str:
    """The last ``keep_lines`` lines of a traceback, as ToRA shows the model (the error line always survives)."""
    lines = traceback_text.rstrip("\n").splitlines()
    if len(lines) <= keep_lines:
        return traceback_text
    return "\n".join(lines[-keep_lines:]) + "\n"

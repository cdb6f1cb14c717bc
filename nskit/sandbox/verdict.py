"""Test execution for code benchmarks: a candidate program and its tests in, one verdict out.

The program run is `code`, then `tests`, then a line printing a random end marker. The candidate passes when
that program ends without an exception and the marker was printed: a candidate that calls `sys.exit(0)` or
`os._exit(0)` before the tests have run does not pass.

Statuses: `passed`; `failed` (an assertion of the tests failed, or the program stopped before the end of the
tests); `timeout` (wall or CPU limit); `error` (anything else: a syntax error, an exception of the candidate,
MemoryError at the memory limit, output past the limit, killed by a signal); `no_code` (nothing to run, decided by
the caller). A sandbox that cannot run the program is not a verdict: the caller gets an exception.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

from nskit.sandbox.result import ExecutionResult

VerdictStatus = Literal["passed", "failed", "timeout", "error", "no_code"]
VERDICT_STATUSES: tuple[str, ...] = get_args(VerdictStatus)
PROGRAM_EXIT = "sandbox exited with code"
"""How the sandbox reports an interpreter that ended without answering (`interpreter._death_status`)."""
ERROR_TAIL_CHARS = 1000
"""Characters of the failure (error line plus the end of stderr) kept on a verdict."""


@dataclass(frozen=True)
class CodeVerdict:
    """The outcome of running one candidate against its tests."""

    passed: bool
    status: VerdictStatus
    error: str
    """Empty when passed; else the failing assertion or error, with the end of the traceback."""
    execution_time: float
    """Seconds the program ran in the sandbox (0 for no_code)."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the /run_tests response body)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CodeVerdict:
        """Parse a /run_tests response; an unknown status or a missing field is an error, not a guess."""
        status = data.get("status")
        if status not in VERDICT_STATUSES:
            raise ValueError(f"verdict: unknown status {status!r}; expected one of {VERDICT_STATUSES}")
        missing = [key for key in ("passed", "error", "execution_time") if key not in data]
        if missing:
            raise ValueError(f"verdict: missing fields {missing} in {sorted(data)}")
        return cls(bool(data["passed"]), status, str(data["error"]), float(data["execution_time"]))


NO_CODE = CodeVerdict(False, "no_code", "no code block in the generation", 0.0)


def build_test_program(code: str, tests: str) -> tuple[str, str]:
    """The program to run (candidate, tests, end marker) and its end marker."""
    marker = f"nskit-tests-done-{secrets.token_hex(8)}"
    return f"{code.rstrip()}\n\n\n{tests.rstrip()}\n\nprint({marker!r})\n", marker


def verdict_from(result: ExecutionResult, marker: str) -> CodeVerdict:
    """Map a sandbox result to a verdict (`sandbox_error` raises: it says nothing about the candidate)."""
    if result.status == "sandbox_error":
        if result.error.startswith(PROGRAM_EXIT):  # os._exit() in the program: bwrap ends with the runner's code
            return CodeVerdict(False, "error", f"the program ended its interpreter ({result.error})", result.wall_time)
        raise RuntimeError(f"the sandbox could not run the tests: {result.error}")
    seconds = round(result.wall_time, 4)
    if result.status == "ok":
        if marker in result.stdout:
            return CodeVerdict(True, "passed", "", seconds)
        return CodeVerdict(False, "failed", "the program exited before its tests finished", seconds)
    tail = _tail(result)
    if result.status == "timeout":
        return CodeVerdict(False, "timeout", tail, seconds)
    if result.status == "error" and result.error.startswith("AssertionError"):
        return CodeVerdict(False, "failed", tail, seconds)
    return CodeVerdict(False, "error", tail, seconds)


def _tail(result: ExecutionResult) -> str:
    """The error line, then the end of stderr (which ends with the trimmed traceback), within the cap."""
    text = result.error
    stderr = result.stderr.strip()
    if stderr and stderr != text:
        text = f"{text}\n{stderr}" if text else stderr
    return text if len(text) <= ERROR_TAIL_CHARS else "..." + text[-ERROR_TAIL_CHARS:]

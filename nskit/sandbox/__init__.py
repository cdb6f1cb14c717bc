"""The code-execution sandbox: a local HTTP service running Python snippets under bubblewrap.

Public API (see docs/sandbox.md), imported on first use (so that `nskit.sandbox.config` stays light for the CLI):
- ``SandboxClient(base_url).execute(code, session_id=None, timeout=None) -> ExecutionResult`` (async)
- ``SandboxClient(base_url).run_tests(code, tests, timeout=None) -> CodeVerdict`` (async; code benchmarks)
- ``judge.grade_code_files(paths, sandbox_address=None, timeout=10.0)``: the execution judge of code benchmarks
- ``SandboxProcess(port=0, args=...)``: context manager that runs the service (`ns sandbox`) as a child process
- ``ExecutionResult``, ``SandboxConfig``, ``SandboxUnavailable``, ``SandboxError``, ``SandboxStartError``
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nskit.sandbox.bwrap import SandboxUnavailable
    from nskit.sandbox.client import SandboxClient, SandboxError
    from nskit.sandbox.config import SandboxConfig
    from nskit.sandbox.process import SandboxProcess, SandboxStartError
    from nskit.sandbox.result import STATUSES, ExecutionResult, Status, trim_traceback
    from nskit.sandbox.verdict import VERDICT_STATUSES, CodeVerdict, VerdictStatus

_HOMES = {
    "SandboxUnavailable": "bwrap", "SandboxClient": "client", "SandboxError": "client", "SandboxConfig": "config",
    "SandboxProcess": "process", "SandboxStartError": "process", "STATUSES": "result", "ExecutionResult": "result",
    "Status": "result", "trim_traceback": "result", "VERDICT_STATUSES": "verdict", "CodeVerdict": "verdict",
    "VerdictStatus": "verdict",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f"nskit.sandbox.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'nskit.sandbox' has no attribute {name!r}")

"""The code-execution sandbox: a local HTTP service running Python snippets under bubblewrap.

Public API (see docs/sandbox.md):
- ``SandboxClient(base_url).execute(code, session_id=None, timeout=None) -> ExecutionResult`` (async)
- ``SandboxClient(base_url).run_tests(code, tests, timeout=None) -> CodeVerdict`` (async; code benchmarks)
- ``judge.grade_code_files(paths, sandbox_address=None, timeout=10.0)``: the execution judge of code benchmarks
- ``SandboxProcess(port=0, args=...)``: context manager that runs the service as a child process
- ``ExecutionResult``, ``SandboxConfig``, ``SandboxUnavailable``, ``SandboxError``, ``SandboxStartError``
"""

from nskit.sandbox.bwrap import SandboxUnavailable
from nskit.sandbox.client import SandboxClient, SandboxError
from nskit.sandbox.config import SandboxConfig
from nskit.sandbox.process import SandboxProcess, SandboxStartError
from nskit.sandbox.result import STATUSES, ExecutionResult, Status, trim_traceback
from nskit.sandbox.verdict import VERDICT_STATUSES, CodeVerdict, VerdictStatus

__all__ = [
    "STATUSES",
    "VERDICT_STATUSES",
    "CodeVerdict",
    "ExecutionResult",
    "SandboxClient",
    "SandboxConfig",
    "SandboxError",
    "SandboxProcess",
    "SandboxStartError",
    "SandboxUnavailable",
    "Status",
    "VerdictStatus",
    "trim_traceback",
]

"""The interpreter loop that runs *inside* the bubblewrap sandbox (stdlib only; nskit is not importable there).

Started as ``python -S runner.py '<config json>'`` (limits, and the site-packages to put on sys.path) by the
service, after bubblewrap and setpriv have already dropped it to an unprivileged uid (rootless: bubblewrap's own
user namespace). It applies the resource limits to itself, then reads requests, one JSON line each, from its
original stdin and executes them one after another in a single namespace (so a session's later snippets see
earlier variables). The snippet's own stdin is /dev/null; its stdout/stderr are the real pipes (so output of child
processes is captured too). After each snippet the runner writes a per-request random marker to stderr and the
marker followed by one JSON line with the outcome to stdout; the service reads each stream up to its marker.
"""

from __future__ import annotations

import ast
import builtins
import json
import linecache
import os
import resource
import sys
import traceback
from types import CodeType, TracebackType
from typing import Any

RUNNER_FILE = os.path.abspath(__file__)


def apply_limits(limits: dict[str, int]) -> None:
    """Set soft and hard rlimits (the unprivileged process can lower them, never raise them again)."""
    names = {
        "as": resource.RLIMIT_AS,
        "nproc": resource.RLIMIT_NPROC,
        "fsize": resource.RLIMIT_FSIZE,
        "nofile": resource.RLIMIT_NOFILE,
        "core": resource.RLIMIT_CORE,
        "cpu": resource.RLIMIT_CPU,
    }
    for key, value in limits.items():
        resource.setrlimit(names[key], (value, value))


def set_cpu_budget(seconds: int) -> None:
    """Allow this snippet ``seconds`` more CPU seconds (soft limit -> SIGXCPU), within the session's hard cap."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    want = used + seconds
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (want, hard))


def compile_snippet(code: str, filename: str) -> tuple[CodeType, CodeType | None]:
    """Compile a snippet notebook-style: the body, plus the trailing expression (if any) whose value is shown."""
    tree = ast.parse(code, filename, "exec")
    last: CodeType | None = None
    # dont_inherit: the snippet must not get this module's `from __future__ import annotations` (annotations
    # would never be evaluated, so a missing `from typing import List` would go unnoticed).
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        expr = ast.Expression(tree.body.pop().value)
        last = compile(expr, filename, "eval", dont_inherit=True)
    return compile(tree, filename, "exec", dont_inherit=True), last


def user_traceback(exc: BaseException) -> str:
    """Format ``exc`` without the runner's own frames, so the model sees only its code."""
    tb: TracebackType | None = exc.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) == RUNNER_FILE:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb))


def run_snippet(code: str, namespace: dict[str, Any], index: int) -> dict[str, Any]:
    """Execute one snippet in ``namespace``; return the outcome (status, short error, traceback)."""
    filename = f"<snippet-{index}>"
    # linecache lets tracebacks quote the offending source line of the snippet.
    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
    try:
        body, last = compile_snippet(code, filename)
        exec(body, namespace)  # noqa: S102 - running the snippet is this module's whole job
        if last is not None:
            value = eval(last, namespace)
            if value is not None:
                print(repr(value))
    except SystemExit as exc:
        if exc.code in (None, 0):
            return {"status": "ok"}
        return {"status": "error", "error": f"SystemExit: {exc.code}", "traceback": f"SystemExit: {exc.code}\n"}
    except BaseException as exc:  # noqa: BLE001 - the snippet's failure, whatever its type, is the result
        status = "memory" if isinstance(exc, MemoryError) else "error"
        short = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return {"status": status, "error": short, "traceback": user_traceback(exc)}
    return {"status": "ok"}


def flush_std_streams() -> None:
    """Flush whatever the snippet left in Python's buffers (it may have replaced or closed sys.stdout)."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        if stream is None or getattr(stream, "closed", True):
            continue
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a stream the snippet broke: its buffered bytes are lost, the marker still goes out


def write_all(fd: int, data: bytes) -> None:
    """os.write until every byte is out (pipes may accept partial writes)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def main() -> None:
    """Apply limits, then serve requests from stdin until it closes."""
    config = json.loads(sys.argv[1])
    # Started with -S: what site would do (a venv's prefixes, its site-packages), without processing .pth files.
    sys.path.extend(config.get("site_paths", ()))
    sys.prefix = config.get("prefix", sys.prefix)
    sys.exec_prefix = config.get("exec_prefix", sys.exec_prefix)
    apply_limits(config["limits"])
    requests = os.fdopen(os.dup(0), "rb")
    # Private copies of the output pipes: the snippet may close or redirect fds 1 and 2.
    out_fd, err_fd = os.dup(1), os.dup(2)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    runner_pid = os.getpid()
    for index, line in enumerate(requests):
        request = json.loads(line)
        set_cpu_budget(int(request["cpu_seconds"]))
        outcome = run_snippet(request["code"], namespace, index)
        flush_std_streams()
        if os.getpid() != runner_pid:
            # A child the snippet forked reached the end of its copy of the snippet: it must not act as a
            # second runner (answer, or read the next request), so it ends here.
            os._exit(0 if outcome["status"] == "ok" else 1)
        marker = request["marker"].encode()
        write_all(err_fd, marker)
        write_all(out_fd, marker + json.dumps(outcome).encode() + b"\n")


if __name__ == "__main__":
    main()

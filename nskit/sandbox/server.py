"""The HTTP service that ``ns sandbox --port P`` runs.

Endpoints (JSON):
  GET    /health                 -> {"status": "ok", "workers": ..., "running": ..., "sessions": ..., ...}
  POST   /execute                {"code": str, "session_id": str | null, "timeout": float | null} -> ExecutionResult
  DELETE /sessions/{session_id}  -> {"closed": bool}
  POST   /run_tests              {"code": str, "tests": str, "timeout": float | null} -> CodeVerdict
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any

from aiohttp import web

from nskit.sandbox.bwrap import SandboxUnavailable, find_tools, is_rootless, user_namespace_problem
from nskit.sandbox.config import READY_PREFIX, SandboxConfig
from nskit.sandbox.executor import Executor
from nskit.sandbox.verdict import build_test_program, verdict_from

EXECUTOR_KEY = web.AppKey("executor", Executor)
PROBE_CODE = "import numpy, sympy\nprint(int(numpy.int64(6) * 7), sympy.Integer(2) ** 10)"
PROBE_OUTPUT = "42 1024\n"


def _bad_request(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)


def parse_execute_body(body: Any) -> tuple[str, str | None, float | None]:
    """Validate a /execute body; ValueError or TypeError names the offending field."""
    if not isinstance(body, dict):
        raise TypeError("body must be a JSON object")
    unknown = set(body) - {"code", "session_id", "timeout", "language"}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; valid: code, session_id, timeout, language")
    code, session_id, timeout = body.get("code"), body.get("session_id"), body.get("timeout")
    if not isinstance(code, str):
        raise TypeError("`code` must be a string")
    if body.get("language", "python") != "python":
        raise ValueError(f"only language 'python' is supported, got {body.get('language')!r}")
    if session_id is not None and (not isinstance(session_id, str) or not session_id):
        raise ValueError("`session_id` must be a non-empty string or null")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)):
        raise ValueError("`timeout` must be a number of seconds or null")
    return code, session_id, None if timeout is None else float(timeout)


async def handle_health(request: web.Request) -> web.Response:
    """Liveness and load counters."""
    return web.json_response({"status": "ok", **request.app[EXECUTOR_KEY].stats()})


async def handle_execute(request: web.Request) -> web.Response:
    """Run one snippet and answer with its ExecutionResult."""
    try:
        code, session_id, timeout = parse_execute_body(await request.json())
        executor = request.app[EXECUTOR_KEY]
        executor.config.timeout_for(timeout)
    except (ValueError, TypeError) as exc:  # ValueError includes JSONDecodeError
        return _bad_request(str(exc))
    try:
        result = await executor.execute(code, session_id=session_id, timeout=timeout)
    except SandboxUnavailable as exc:
        return web.json_response({"error": str(exc)}, status=503)
    except RuntimeError as exc:  # uid pool exhausted, all sessions busy: the caller may retry later
        return web.json_response({"error": str(exc)}, status=503)
    return web.json_response(result.to_json())


def parse_run_tests_body(body: Any) -> tuple[str, str, float | None]:
    """Validate a /run_tests body; ValueError or TypeError names the offending field."""
    if not isinstance(body, dict):
        raise TypeError("body must be a JSON object")
    unknown = set(body) - {"code", "tests", "timeout"}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; valid: code, tests, timeout")
    for key in ("code", "tests"):
        if not isinstance(body.get(key), str):
            raise TypeError(f"`{key}` must be a string")
    timeout = body.get("timeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)):
        raise ValueError("`timeout` must be a number of seconds or null")
    return body["code"], body["tests"], None if timeout is None else float(timeout)


async def handle_run_tests(request: web.Request) -> web.Response:
    """Run a candidate program with its tests in a fresh sandbox and answer with the verdict."""
    try:
        code, tests, timeout = parse_run_tests_body(await request.json())
        executor = request.app[EXECUTOR_KEY]
        executor.config.timeout_for(timeout)
    except (ValueError, TypeError) as exc:
        return _bad_request(str(exc))
    program, marker = build_test_program(code, tests)
    try:
        verdict = verdict_from(await executor.execute(program, timeout=timeout), marker)
    except (SandboxUnavailable, RuntimeError) as exc:  # the sandbox failed, or the service is full/stopping
        return web.json_response({"error": str(exc)}, status=503)
    return web.json_response(verdict.to_json())


async def handle_close_session(request: web.Request) -> web.Response:
    """Kill a session's interpreter and forget its variables."""
    closed = await request.app[EXECUTOR_KEY].close_session(request.match_info["session_id"])
    return web.json_response({"closed": closed})


async def _reap_idle_sessions(app: web.Application) -> None:
    executor = app[EXECUTOR_KEY]
    while True:
        await asyncio.sleep(min(30.0, executor.config.session_idle_seconds / 2))
        await executor.close_idle_sessions()


def make_app(executor: Executor) -> web.Application:
    """The aiohttp application around ``executor`` (which the caller shuts down)."""
    app = web.Application(client_max_size=16 * 1024 * 1024)
    app[EXECUTOR_KEY] = executor
    app.router.add_get("/health", handle_health)
    app.router.add_post("/execute", handle_execute)
    app.router.add_delete("/sessions/{session_id}", handle_close_session)
    app.router.add_post("/run_tests", handle_run_tests)
    return app


async def probe(executor: Executor) -> None:
    """Run a known snippet; SandboxUnavailable with bubblewrap's own words when containment does not work."""
    result = await executor.execute(PROBE_CODE, timeout=min(60.0, executor.config.max_timeout))
    if result.status != "ok" or result.stdout != PROBE_OUTPUT:
        raise SandboxUnavailable(
            f"sandbox self-test failed (status {result.status}: {result.error}); "
            f"stdout={result.stdout!r} stderr={result.stderr[-2000:]!r}"
        )


async def serve(config: SandboxConfig, host: str = "127.0.0.1", port: int = 0) -> None:
    """Check bubblewrap, self-test, listen, print the ready line, and serve until SIGTERM/SIGINT."""
    find_tools()
    if is_rootless():
        problem = user_namespace_problem()
        if problem:
            raise SandboxUnavailable(
                f"running as uid {os.geteuid()} (not root), the sandbox needs an unprivileged user namespace per "
                f"snippet, and this kernel forbids them: {problem}. Allow them (sysctl) or run the service as root"
            )
        print(f"nskit-sandbox: rootless (uid {os.geteuid()}): each sandbox runs in a user namespace of its own",
              file=sys.stderr, flush=True)
    executor = Executor(config)
    if executor.stats()["memory_cgroup"] is None:
        print(f"nskit-sandbox: note: memory is capped per process only (RLIMIT_AS {config.memory_mb} MB), not per "
              f"sandbox: {executor.memory_note}", file=sys.stderr, flush=True)
    else:
        print(f"nskit-sandbox: {executor.memory_note}", file=sys.stderr, flush=True)
    try:
        await probe(executor)
        app = make_app(executor)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, host, port, backlog=1024, shutdown_timeout=5.0)
        try:
            await site.start()
        except OSError as exc:
            raise SystemExit(f"nskit-sandbox: error: cannot listen on {host}:{port}: {exc}") from exc
        reaper = asyncio.create_task(_reap_idle_sessions(app))
        bound = runner.addresses[0]
        print(f"{READY_PREFIX}http://{bound[0]}:{bound[1]}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        reaper.cancel()
        # Kill the sandboxes first: in-flight requests then finish at once and the HTTP shutdown does not wait.
        await executor.shutdown()
        await runner.cleanup()
    finally:
        await executor.shutdown()


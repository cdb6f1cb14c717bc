"""The service's behaviour on ordinary code: results, tracebacks, sessions, concurrency, bad requests."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request

import pytest
from sandbox_service import Service

from nskit.sandbox import SandboxClient, SandboxError
from nskit.sandbox.bwrap import SANDBOX_ENV

pytestmark = pytest.mark.sandbox


def test_stdout_stderr_and_math_libraries(service: Service) -> None:
    code = "import sys, numpy as np, sympy as sp\nprint(np.arange(4).sum(), sp.factorint(360))\nprint('warn', file=sys.stderr)"
    result = service.run(code)
    assert result.status == "ok" and result.ok
    assert result.stdout == "6 {2: 3, 3: 2, 5: 1}\n"
    assert result.stderr == "warn\n"
    assert result.error == "" and result.wall_time > 0


def test_last_expression_is_shown_like_a_notebook(service: Service) -> None:
    assert service.run("x = 20\nx + 22").stdout == "42\n"
    assert service.run("print('a')\nNone").stdout == "a\n"


def test_exact_environment_inside(service: Service) -> None:
    result = service.run("import os, json; print(json.dumps(dict(os.environ)))")
    env = json.loads(result.stdout)
    env.pop("PWD", None)
    assert env == SANDBOX_ENV


def test_error_traceback_is_trimmed_to_the_end(service: Service) -> None:
    code = "def a():\n    return 1 / 0\ndef b():\n    return a()\nb()"
    result = service.run(code)
    assert result.status == "error"
    assert result.error == "ZeroDivisionError: division by zero"
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "ZeroDivisionError: division by zero"
    assert len(lines) == 4  # --traceback-lines default
    assert "runner.py" not in result.stderr and "Traceback (most recent call last)" not in result.stderr


def test_syntax_error_and_sys_exit(service: Service) -> None:
    bad = service.run("def f(:\n    pass")
    assert bad.status == "error" and bad.error.startswith("SyntaxError")
    assert service.run("import sys\nprint('bye')\nsys.exit(0)").status == "ok"
    exited = service.run("import sys\nsys.exit(3)")
    assert exited.status == "error" and exited.error == "SystemExit: 3"


def test_output_printed_before_a_timeout_is_kept(service: Service) -> None:
    result = service.run("import time\nprint('started')\ntime.sleep(60)", timeout=1)
    assert result.status == "timeout" and result.stdout == "started\n"
    assert "wall time" in result.error


def test_sessions_keep_variables_and_are_isolated(service: Service) -> None:
    assert service.run("import math\nx = 41", session_id="s1").ok
    assert service.run("x = 'other'", session_id="s2").ok
    assert service.run("print(x + 1, math.pi > 3)", session_id="s1").stdout == "42 True\n"
    assert service.run("print(x)", session_id="s2").stdout == "other\n"
    # A session's error does not lose its state.
    assert service.run("1 / 0", session_id="s1").status == "error"
    assert service.run("x", session_id="s1").stdout == "41\n"
    # Sessions never leak into one-shot executions.
    assert service.run("print('x' in globals())").stdout == "False\n"


def test_forked_child_in_a_session_does_not_answer_twice(service: Service) -> None:
    code = "import os\npid = os.fork()\nif pid:\n    os.waitpid(pid, 0)\nprint('parent' if pid else 'child')"
    first = service.run(code, session_id="fork")
    assert first.status == "ok" and first.stdout == "child\nparent\n", first
    for _ in range(3):
        later = service.run("print('next', pid > 0)", session_id="fork")
        assert later.status == "ok" and later.stdout == "next True\n", later


def test_session_after_timeout_is_reset_and_says_so(service: Service) -> None:
    assert service.run("y = 5", session_id="reset").ok
    assert service.run("while True: pass", session_id="reset", timeout=1).status == "timeout"
    after = service.run("print(y)", session_id="reset")
    assert after.session_reset is True
    assert after.status == "error" and "NameError" in after.error
    assert service.run("print(1)", session_id="reset").session_reset is False


def test_close_session(service: Service) -> None:
    async def scenario() -> tuple[bool, bool, str]:
        async with SandboxClient(service.base_url) as client:
            await client.execute("z = 1", session_id="closing")
            first = await client.close_session("closing")
            second = await client.close_session("closing")
            result = await client.execute("print('z' in globals())", session_id="closing")
            return first, second, result.stdout

    assert asyncio.run(scenario()) == (True, False, "False\n")


def test_hundred_concurrent_snippets_complete_correctly(service: Service) -> None:
    async def scenario() -> list[str]:
        async with SandboxClient(service.base_url) as client:
            code = "import sys\nn = {i}\nprint(n * n)\nprint(-n, file=sys.stderr)"
            results = await asyncio.gather(*(client.execute(code.format(i=i)) for i in range(100)))
        assert all(r.status == "ok" for r in results), [r for r in results if not r.ok][:3]
        assert [r.stderr for r in results] == [f"{-i}\n" for i in range(100)]
        return [r.stdout for r in results]

    started = time.monotonic()
    assert asyncio.run(scenario()) == [f"{i * i}\n" for i in range(100)]
    print(f"100 concurrent snippets in {time.monotonic() - started:.2f} s")


def test_concurrent_sessions_stay_separate(service: Service) -> None:
    async def scenario() -> list[str]:
        async with SandboxClient(service.base_url) as client:
            await asyncio.gather(*(client.execute(f"v = {i}", session_id=f"c{i}") for i in range(12)))
            results = await asyncio.gather(*(client.execute("print(v)", session_id=f"c{i}") for i in range(12)))
            await asyncio.gather(*(client.close_session(f"c{i}") for i in range(12)))
        return [r.stdout for r in results]

    assert asyncio.run(scenario()) == [f"{i}\n" for i in range(12)]


def _post(url: str, body: bytes) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"not json", "Expecting value"),
        (b'{"code": 5}', "`code` must be a string"),
        (b'{"code": "1", "timeout": 1000}', "timeout must be in"),
        (b'{"code": "1", "timeout": true}', "`timeout` must be a number"),
        (b'{"code": "1", "colde": 1}', "unknown fields ['colde']"),
        (b'{"code": "1", "language": "bash"}', "only language 'python'"),
    ],
)
def test_bad_requests_are_rejected_with_reason(service: Service, body: bytes, fragment: str) -> None:
    status, answer = _post(f"{service.base_url}/execute", body)
    assert status == 400
    assert fragment in str(answer["error"])


def test_client_raises_on_service_errors(service: Service) -> None:
    async def too_long() -> None:
        async with SandboxClient(service.base_url) as client:
            await client.execute("1", timeout=10_000)

    with pytest.raises(SandboxError, match="HTTP 400"):
        asyncio.run(too_long())

    async def nowhere() -> None:
        async with SandboxClient("http://127.0.0.1:9") as client:
            await client.health()

    with pytest.raises(SandboxError, match="failed"):
        asyncio.run(nowhere())


def test_crash_in_c_code_is_reported_as_killed(service: Service) -> None:
    result = service.run("import ctypes\nprint('before', flush=True)\nctypes.string_at(0)")
    assert result.status == "killed" and "SIGSEGV" in result.error, result
    assert result.stdout == "before\n"


def test_snippet_closing_its_own_stdout_still_gets_an_answer(service: Service) -> None:
    result = service.run("import os, sys\nprint('kept')\nsys.stdout.flush()\nos.close(1)\nos.close(2)\nprint('lost')")
    assert result.stdout == "kept\n"
    assert result.status == "error" and "OSError" in result.error  # print to the closed fd raises

"""POST /run_tests: a candidate program and its tests in, one verdict out, with the sandbox's containment."""

from __future__ import annotations

import asyncio
import json
import socket
import textwrap
import time
import urllib.request

import pytest
from sandbox_service import Service

from nskit.sandbox import CodeVerdict, SandboxClient

pytestmark = pytest.mark.sandbox

TESTS = "assert add(1, 2) == 3\nassert add(-1, 1) == 0\n"


def run(service: Service, code: str, tests: str = TESTS, timeout: float | None = 20) -> CodeVerdict:
    """One verdict; a generous limit by default, so only the tests about time limits depend on the machine's load."""
    async def go() -> CodeVerdict:
        async with SandboxClient(service.base_url) as client:
            return await client.run_tests(code, tests, timeout=timeout)

    return asyncio.run(go())


def test_passing_failing_and_erroring_candidates(service: Service) -> None:
    good = run(service, "def add(a, b):\n    return a + b\n")
    assert (good.passed, good.status, good.error) == (True, "passed", "")
    assert 0 < good.execution_time < 3
    wrong = run(service, "def add(a, b):\n    return a + b + 1\n")
    assert (wrong.passed, wrong.status) == (False, "failed")
    assert "AssertionError" in wrong.error and "assert add(1, 2) == 3" in wrong.error
    syntax = run(service, "def add(a, b)\n    return a + b\n")
    assert syntax.status == "error" and "SyntaxError" in syntax.error
    # plain Python semantics: annotations are evaluated (no postponed annotations leak in from the runner)
    unimported = run(service, "def add(a: List[int], b):\n    return a + b\n")
    assert unimported.status == "error" and "NameError: name 'List' is not defined" in unimported.error
    raises = run(service, "def add(a, b):\n    return a / 0\n")
    assert raises.status == "error" and "ZeroDivisionError" in raises.error


@pytest.mark.parametrize("exit_call", ["import sys\nsys.exit(0)", "import os\nos._exit(0)", "exit()"])
def test_exiting_before_the_tests_does_not_pass(service: Service, exit_call: str) -> None:
    verdict = run(service, f"def add(a, b):\n    return 0\n{exit_call}\n")
    assert not verdict.passed and verdict.status in ("failed", "error"), verdict


def test_infinite_loop_times_out_within_the_limit_without_slowing_others(service: Service) -> None:
    async def go() -> tuple[CodeVerdict, list[CodeVerdict], float]:
        async with SandboxClient(service.base_url) as client:
            loop = asyncio.create_task(client.run_tests("while True:\n    pass\n", TESTS, timeout=6))
            await asyncio.sleep(0.2)
            started = time.monotonic()
            others = await asyncio.gather(*(client.run_tests("def add(a, b):\n    return a + b\n", TESTS)
                                            for _ in range(6)))
            others_seconds = time.monotonic() - started
            return await loop, list(others), others_seconds

    looped, others, others_seconds = asyncio.run(go())
    assert looped.status == "timeout" and not looped.passed, looped
    assert 5.5 < looped.execution_time < 8, looped
    assert all(v.passed for v in others)
    # they ran beside the loop in the other workers: all done long before the loop's limit ran out
    assert others_seconds < 4, f"the others waited for the loop: {others_seconds:.2f} s"


def test_fork_bomb_memory_and_network_are_contained_and_reported(service: Service) -> None:
    bomb = run(service, "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n", timeout=3)
    assert bomb.status in ("timeout", "error") and not bomb.passed, bomb
    assert service.wait_no_leftovers(seconds=30) == []
    memory = run(service, "blob = bytearray(10 * 1024 ** 3)\ndef add(a, b):\n    return a + b\n")
    assert memory.status == "error" and "MemoryError" in memory.error, memory
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        code = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)\ndef add(a, b):\n    return a + b\n"
        network = run(service, code)
    finally:
        listener.close()
    assert network.status == "error" and ("ConnectionRefusedError" in network.error or "OSError" in network.error), network
    service.recover("run_tests abuse")


def test_curl_style_request_and_bad_bodies(service: Service) -> None:
    """The documented raw HTTP use (docs/sandbox.md), and the 400s that name the field."""
    body = json.dumps({"code": "def add(a, b):\n    return a + b\n", "tests": TESTS, "timeout": 5}).encode()
    request = urllib.request.Request(f"{service.base_url}/run_tests", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert json.loads(response.read()) == {"passed": True, "status": "passed", "error": "",
                                               "execution_time": pytest.approx(0.5, abs=2.5)}
    for bad, word in (({"code": "x"}, "tests"), ({"code": 1, "tests": ""}, "code"), ({"code": "", "tests": "", "x": 1}, "unknown")):
        request = urllib.request.Request(f"{service.base_url}/run_tests", data=json.dumps(bad).encode())
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=30)
        assert caught.value.code == 400 and word in caught.value.read().decode()


def test_verdict_json_round_trip_refuses_unknown_status() -> None:
    verdict = CodeVerdict(False, "timeout", "wall time limit", 2.0)
    assert CodeVerdict.from_json(verdict.to_json()) == verdict
    with pytest.raises(ValueError, match="unknown status"):
        CodeVerdict.from_json({**verdict.to_json(), "status": "maybe"})


def test_memory_is_capped_per_sandbox_not_only_per_process(service: Service) -> None:
    """Four children of 300 MB each stay under the per-process limit (1024 MB) but not under the sandbox's."""
    if asyncio.run(health_of(service))["memory_cgroup"] is None:
        pytest.skip("no writable cgroup memory controller here (the service said so at start-up)")
    code = textwrap.dedent("""
        import os
        pids = []
        for _ in range(4):
            pid = os.fork()
            if pid == 0:
                block = bytearray(300 * 1024 * 1024)
                import time; time.sleep(2)
                os._exit(0)
            pids.append(pid)
        print(sorted(os.waitstatus_to_exitcode(os.waitpid(p, 0)[1]) for p in pids))
    """)
    result = service.run(code, timeout=20)
    assert result.status == "ok", result
    assert "-9" in result.stdout, result.stdout  # the kernel killed the child that went past the sandbox's cap
    service.recover("1.2 GB over four processes")


async def health_of(service: Service) -> dict:
    async with SandboxClient(service.base_url) as client:
        return await client.health()

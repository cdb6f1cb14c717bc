"""The server dies mid-run: the run stops within the error budget with a clear message, and resumes cleanly.

Two ways to lose the server, both cheap (no second vLLM to start, which costs ~40 s and both cores):
- `ns eval` against the fault proxy, which goes down (listening socket closed: new connections are refused,
  open ones are reset, exactly what a client sees of a killed server) and comes back on the same port;
- the local executor with a "server" it started itself (the proxy as a process in front of the shared vLLM),
  killed with SIGKILL: the error must name the server log.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from nskit.cluster.local import StepFailed, run_plan
from nskit.pipeline.plan import Plan, ServerRequest, Step
from nskit.records import iter_jsonl
from nskit.records.partial import partial_path
from nskit.servers import LaunchSpec, register_server_type
from tests.faults.helpers import WIDE, finished_records, write_problems
from tests.faults.proxy import FaultProxy
from tests.helpers import ns, ns_background, wait_for

pytestmark = pytest.mark.vllm

BUDGET = ["++max_retries=2", "++error_budget=4", "++max_concurrent_requests=4", "++inference.tokens_to_generate=32"]


def assert_resumed_cleanly(final: Path, before: dict[int, dict], count: int) -> None:
    """All `count` records, in order, none with an error; those finished before the outage kept as they were."""
    records = list(iter_jsonl(final))
    assert len(records) == count and not [r for r in records if "error" in r]
    for position, record in before.items():
        kept = {k: v for k, v in record.items() if k != "_async_position"}
        assert {k: v for k, v in records[position].items() if k in kept} == kept
    assert not partial_path(final).exists()


def test_eval_stops_when_the_server_goes_down_and_resumes(tmp_path: Path, vllm_server: str, mirror_dir: Path) -> None:
    out = tmp_path / "run"
    final = out / "eval-results" / "gsm8k" / "output.jsonl"
    with FaultProxy(vllm_server) as proxy:
        args = ["eval", "--benchmarks=gsm8k:0", "--output_dir", str(out), "--data_dir", str(tmp_path / "data"),
                "--mirror", str(mirror_dir), "--server_type", "openai", "--server_address", proxy.base_url,
                "++max_samples=24", *BUDGET]
        log = tmp_path / "first.log"
        proxy.hold_after(6)  # the server stops answering after six: work is left when it goes down, on any machine
        process = ns_background(*args, env=WIDE, log=log)
        wait_for(lambda: len(finished_records(final)) >= 6 and proxy.state.counts["held"] > 0, 300,
                 "six finished records and a request held")
        proxy.go_down()
        down_at = time.monotonic()
        code = process.wait(timeout=120)
        stopped_after = time.monotonic() - down_at
        before = finished_records(final)
        text = log.read_text()
        assert code == 1, text[-3000:]
        assert "4 requests in a row failed for good" in text and "the server looks down" in text
        assert "rerun the same command to resume" in text
        assert "failed as the server went down (not written)" in text and "retries " in text
        assert "step generate failed with exit code 3" in text and "generate.log" in text
        assert stopped_after < 60
        assert len(before) == 6 and not final.exists()
        assert not [r for r in before.values() if "error" in r]  # failures while down were not written

        proxy.release()
        proxy.come_back()
        again = ns(*args, env=WIDE)
    assert again.returncode == 0, (again.stdout + again.stderr)[-3000:]
    assert "symbolic_correct" in again.stdout or "no_answer" in again.stdout  # the summary table was printed
    assert_resumed_cleanly(final, before, 24)


@dataclasses.dataclass(frozen=True)
class ProxyAsServer:
    """A server type whose process is the fault proxy in front of the shared vLLM (killable, starts in a second)."""

    upstream: str
    name: str = "fault-proxy"
    launches_process: bool = True

    def command(self, spec: LaunchSpec, python: str) -> list[str]:
        """`python tests/faults/proxy.py --upstream ... --port ...` plus the extra args (the test's tag)."""
        script = Path(__file__).with_name("proxy.py")
        return [python, str(script), "--upstream", self.upstream, "--port", str(spec.port), *spec.extra_args]

    def health_path(self) -> str:
        """The proxy forwards it to vLLM."""
        return "/health"


def proxy_processes(tag: str) -> list[psutil.Process]:
    """Live proxy processes started with `--tag tag` (not their supervisor)."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if any(part.endswith("proxy.py") for part in cmdline) and tag in cmdline and "nskit.proc.supervise" not in cmdline[1:3]:
            found.append(proc)
    return found


def test_executor_names_the_server_log_when_its_server_is_killed(tmp_path: Path, vllm_server: str) -> None:
    register_server_type(ProxyAsServer(vllm_server))
    source, final = tmp_path / "in.jsonl", tmp_path / "out" / "output.jsonl"
    write_problems(source, 24)
    tag = f"kill-me-{os.getpid()}-{tmp_path.name}"
    step = Step(name="generate", needs_server=True,
                argv=["generate", "--input_file", str(source), "--output_file", str(final), *BUDGET])
    plan = Plan(name="server-killed", steps=[step],
                server=ServerRequest(server_type="fault-proxy", model="smol", health_timeout=60,
                                       args=["--tag", tag, "--hold_after", "6"]))  # work is left when it dies
    log_dir = tmp_path / "logs"
    failure: list[BaseException] = []

    def run() -> None:
        try:
            run_plan(plan, log_dir)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            failure.append(exc)

    runner = threading.Thread(target=run)
    runner.start()
    wait_for(lambda: len(finished_records(final)) >= 6, 300, "six finished records")
    servers = proxy_processes(tag)
    assert len(servers) == 1, servers
    servers[0].send_signal(signal.SIGKILL)
    runner.join(timeout=120)
    assert not runner.is_alive()
    assert len(failure) == 1 and isinstance(failure[0], StepFailed), failure
    message = str(failure[0])
    assert "step generate failed with exit code 3" in message
    assert f"server log: {log_dir / 'server.log'}" in message
    assert "the server looks down" in (log_dir / "generate.log").read_text()
    before = finished_records(final)
    assert len(before) == 6 and not [r for r in before.values() if "error" in r]

    answering = dataclasses.replace(plan.server, args=["--tag", tag])
    run_plan(dataclasses.replace(plan, server=answering), log_dir)  # a fresh server process: resumes
    assert_resumed_cleanly(final, before, 24)
    assert not proxy_processes(tag)


def test_generate_reports_an_unreachable_server_clearly(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    write_problems(source, 2)
    with FaultProxy("http://127.0.0.1:9") as proxy:
        proxy.go_down()
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "nskit", "generate", "--input_file", str(source), "--output_file",
             str(tmp_path / "out.jsonl"), "--server_address", proxy.base_url, "++max_retries=1"],
            capture_output=True, text=True, timeout=120, env={**os.environ, **WIDE}, check=False,
        )
    assert result.returncode == 3, result.stderr
    assert f"cannot reach the server at {proxy.base_url}" in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 30
    assert not (tmp_path / "out.jsonl").exists()

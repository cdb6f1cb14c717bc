"""Code execution through the pipeline: the local executor's sandbox lifecycle, and `ns eval ++code_execution=true`
end to end on the embedded model (the eval itself starts and stops the sandbox)."""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from nskit.cluster import local
from nskit.pipeline.plan import Plan, SandboxRequest, Step
from nskit.records import iter_jsonl
from tests.helpers import ns

pytestmark = pytest.mark.sandbox


def answers(url: str) -> bool:
    """True when a sandbox service answers /health at `url`."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError):
        return False


@pytest.fixture(autouse=True)
def needs_bwrap() -> None:
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap (bwrap) is not installed; run .ci/install_sandbox.sh")


Seen = list[tuple[str, str | None, bool]]


def run_recording(monkeypatch: pytest.MonkeyPatch, plan: Plan, tmp_path: Path, seen: Seen, fail: str = "") -> None:
    """Run `plan` with steps replaced by a recorder into `seen`: (step, sandbox address given, sandbox alive then)."""

    def fake_step(step: Step, env: dict[str, str], log_dir: Path, server_address: str | None,
                  sandbox_address: str | None = None, reward_address: str | None = None) -> None:
        seen.append((step.name, sandbox_address, bool(sandbox_address) and answers(sandbox_address)))
        if step.name == fail:
            raise local.StepFailed(f"step {step.name} failed with exit code 1")

    monkeypatch.setattr(local, "run_step", fake_step)
    local.run_plan(plan, tmp_path / "logs")


def test_sandbox_lives_exactly_for_the_steps_that_need_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    plan = Plan(name="t", sandbox=SandboxRequest(max_sessions=4, workers=1), steps=[
        Step("prepare", ["prepare_data"]),
        Step("gen-a", ["generate"], needs_sandbox=True),
        Step("gen-b", ["generate"], needs_sandbox=True),
        Step("grade", ["grade"]),
    ])
    seen: Seen = []
    run_recording(monkeypatch, plan, tmp_path, seen)
    assert [(name, alive) for name, _, alive in seen] == [
        ("prepare", False), ("gen-a", True), ("gen-b", True), ("grade", False)]
    address = seen[1][1]
    assert address is not None and seen[2][1] == address  # one service for both generation steps
    assert not answers(address)  # stopped after the last step that needed it
    assert (tmp_path / "logs" / "sandbox.log").exists()


def test_sandbox_is_torn_down_when_a_step_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    plan = Plan(name="t", sandbox=SandboxRequest(max_sessions=4, workers=1),
                steps=[Step("gen", ["generate"], needs_sandbox=True), Step("never", ["grade"], needs_sandbox=True)])
    seen: Seen = []
    with pytest.raises(local.StepFailed, match="sandbox log: .*sandbox.log"):
        run_recording(monkeypatch, plan, tmp_path, seen, fail="gen")
    [(name, address, alive)] = seen
    assert name == "gen" and alive and address is not None
    assert not answers(address)


def test_step_argv_gets_the_sandbox_address(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    captured: list[list[str]] = []

    class Done:
        def wait(self) -> int:
            return 0

    monkeypatch.setattr(local, "spawn_supervised", lambda argv, **kwargs: captured.append(list(argv)) or Done())
    monkeypatch.setattr(local, "stop_supervised", lambda process: 0)
    monkeypatch.setattr(local, "tee", lambda process, log_file: None)
    local.run_step(Step("gen", ["generate", "++max_samples=1"], needs_sandbox=True), {}, tmp_path, None,
                   "http://127.0.0.1:6000")
    assert captured[0][-2:] == ["++max_samples=1", "++sandbox_address=http://127.0.0.1:6000"]
    with pytest.raises(RuntimeError, match="needs a sandbox but none is running"):
        local.run_step(Step("gen", ["generate"], needs_sandbox=True), {}, tmp_path, None, None)


@pytest.mark.vllm
def test_eval_with_code_execution_on_the_embedded_model(tmp_path: Path, vllm_server: str, mirror_dir: Path) -> None:
    out = tmp_path / "run"
    result = ns(
        "eval", "--benchmarks=gsm8k:0", "--output_dir", str(out), "--data_dir", str(tmp_path / "data"),
        "--mirror", str(mirror_dir), "--server_type", "openai", "--server_address", vllm_server,
        "++max_samples=4", "++code_execution=true", "++inference.tokens_to_generate=384",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    eval_log = (out / "logs" / "eval.log").read_text()
    started = re.search(r"sandbox ready at (http://127\.0\.0\.1:\d+)", eval_log)
    assert started, eval_log
    assert not answers(started.group(1)), "the sandbox outlived ns eval"
    assert "generation strategy: code_execution" in (out / "logs" / "generate.log").read_text()

    records = list(iter_jsonl(out / "eval-results" / "gsm8k" / "output.jsonl"))
    assert [r["id"] for r in records] == [f"gsm8k-{i}" for i in range(4)]
    for record in records:
        assert "error" not in record
        assert record["code_stop_reason"] in {"boxed", "no_code", "token_budget", "max_code_executions"}
        assert record["num_code_executions"] == len(record["code_steps"]) <= 8
        assert record["num_turns"] == record["num_code_executions"] + 1 or record["code_stop_reason"] == "token_budget"
        assert 0 < record["num_generated_tokens"] <= 384
        assert "predicted_answer" in record and isinstance(record["symbolic_correct"], bool)
        position = 0
        for step in record["code_steps"]:
            assert step["status"] in {"ok", "error", "timeout", "memory", "output_limit", "killed"}
            assert step["wall_time"] >= 0 and step["execution_time"] > 0
            block = "```python\n" + step["code"] + "```\n```output\n"
            found = record["generation"].find(block, position)
            assert found >= 0, f"step not in the generation, in order: {step['code']!r}"
            position = found + len(block)
    assert any(record["code_steps"] for record in records), "no record ran code: the TIR prompt no longer works"

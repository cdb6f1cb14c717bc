"""The judge against a fake server that rate-limits (429 + Retry-After) and fails (500): waits, then outcomes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nskit.cli.app import app
from nskit.records import read_jsonl
from tests.judge.fake_openai import fake_openai

SECRET = "sk-test-never-logged-4242"


def _script(prompt: str, attempt: int) -> tuple[int, dict[str, str], str]:
    if "RATE" in prompt and attempt == 1:
        return 429, {"Retry-After": "1"}, "slow down"
    if "FLAKY" in prompt and attempt <= 2:
        return 500, {}, "internal error"
    if "DOWN" in prompt:
        return 500, {}, "internal error"
    if "CHATTY" in prompt:
        return 200, {}, "I think they might be the same, hard to say."
    return 200, {}, "Both are the same value.\nJudgement: Yes"


def _write(path: Path) -> None:
    records = [
        {"problem": "RATE", "expected_answer": "1", "predicted_answer": "1.0"},
        {"problem": "FLAKY", "expected_answer": "2", "predicted_answer": "2.0"},
        {"problem": "DOWN", "expected_answer": "3", "predicted_answer": "3.0"},
        {"problem": "CHATTY", "expected_answer": "4", "predicted_answer": "4.0"},
        {"problem": "NONE", "expected_answer": "5", "predicted_answer": None},
        {"problem": "SAME", "expected_answer": "6", "predicted_answer": "6"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def test_waits_follow_retry_after_and_backoff_and_every_record_ends_judged_or_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    path = tmp_path / "output-rs0.jsonl"
    _write(path)
    with fake_openai(_script) as server:
        result = CliRunner().invoke(
            app,
            ["llm_math_judge", "--input_files", str(path), "--model", "fake-judge", "--server_type", "openai",
             "--server_address", server.base_url, "--max_retries", "2", "--input_price", "1", "--output_price", "2"],
        )
    rate, flaky, down = server.attempts("RATE"), server.attempts("FLAKY"), server.attempts("DOWN")
    waits = {
        "429 then Retry-After": [b - a for a, b in zip(rate, rate[1:])],
        "500, 500 then ok": [b - a for a, b in zip(flaky, flaky[1:])],
        "500 x3 (gives up)": [b - a for a, b in zip(down, down[1:])],
    }
    with capsys.disabled():
        print("\nwaits between attempts (s):", {k: [round(w, 2) for w in v] for k, v in waits.items()})
    # upper bounds leave 1.5 s for a loaded CI machine: they catch a wait of the wrong size, not scheduling noise
    assert len(rate) == 2 and 1.0 <= waits["429 then Retry-After"][0] < 2.5
    assert len(flaky) == 3 and len(down) == 3  # one try + max_retries=2
    # full-jitter exponential backoff: attempt n waits within [0.5, 1] x 0.5 x 2^(n-1) seconds
    for n, wait in enumerate(waits["500 x3 (gives up)"], start=1):
        assert 0.25 * 2 ** (n - 1) - 0.05 <= wait <= 0.5 * 2 ** (n - 1) + 1.5
    assert not server.attempts("NONE") and not server.attempts("SAME")  # decided without a request
    assert server.authorization == {f"Bearer {SECRET}"}

    records = read_jsonl(path)
    by_problem = {r["problem"]: r for r in records}
    assert all(isinstance(r["judge_correct"], bool) for r in records)
    assert by_problem["RATE"]["judge_correct"] is True and by_problem["FLAKY"]["judge_correct"] is True
    assert by_problem["DOWN"]["judge_correct"] is False and "http_500" in by_problem["DOWN"]["judge_error"]
    assert by_problem["CHATTY"]["judge_correct"] is False and "Judgement" in by_problem["CHATTY"]["judge_no_verdict"]
    assert by_problem["NONE"]["judgement"] == "Judgement: No" and by_problem["SAME"]["judgement"] == "Judgement: Yes"
    assert not any(p.name.endswith("-async") for p in tmp_path.iterdir())

    assert result.exit_code == 1  # a record failed for good: reported, not dropped
    assert "failed: output-rs0.jsonl record 3" in result.output
    assert "tokens: 300 in, 30 out; cost ≈ $0.000360" in result.output
    assert "retries" in result.output and "rate_limit: 1" in result.output
    assert SECRET not in result.output and SECRET not in path.read_text()


def test_retry_errors_only_requests_failed_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    path = tmp_path / "output.jsonl"
    records = [
        {"problem": "KEEP", "expected_answer": "1", "predicted_answer": "1.0", "judgement": "x\nJudgement: No",
         "judge_correct": False},
        {"problem": "AGAIN", "expected_answer": "2", "predicted_answer": "2.0", "judgement": None,
         "judge_correct": False, "judge_error": "http_500: boom"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    with fake_openai(_script) as server:
        result = CliRunner().invoke(
            app,
            ["llm_math_judge", "--input_files", str(path), "--model", "gpt-4o", "--server_address", server.base_url,
             "--retry_errors"],
        )
    assert result.exit_code == 0, result.output
    assert not server.attempts("KEEP") and len(server.attempts("AGAIN")) == 1
    keep, again = read_jsonl(path)
    assert keep == records[0]
    assert again["judge_correct"] is True and "judge_error" not in again
    assert "cost ≈ $0.000350" in result.output  # gpt-4o list price: 100 x 2.5 + 10 x 10 per 1M


def test_openai_without_key_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    path = tmp_path / "output.jsonl"
    _write(path)
    result = CliRunner().invoke(app, ["llm_math_judge", "--input_files", str(path), "--model", "gpt-4o"])
    assert result.exit_code == 2
    assert "OPENAI_API_KEY" in result.output


def test_vllm_without_address_starts_a_server_for_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The wiring only (a real second vLLM costs minutes of CPU): the spec, the log place, the stop."""
    import contextlib

    import nskit.models.embedded
    import nskit.servers.launch

    seen: dict[str, object] = {}
    path = tmp_path / "output.jsonl"
    path.write_text(json.dumps({"problem": "P", "expected_answer": "1", "predicted_answer": "1.0"}) + "\n")
    with fake_openai(_script) as server:

        @contextlib.contextmanager
        def fake_process(server_type, spec, log_path, health_timeout, python):  # type: ignore[no-untyped-def]
            seen.update(type=server_type.name, model=spec.model, log=log_path, stopped=False)
            assert "--no-enable-chunked-prefill" in spec.extra_args  # the cluster config's vLLM flags
            yield type("Started", (), {"base_url": server.base_url})()
            seen["stopped"] = True

        monkeypatch.setattr(nskit.servers.launch, "ServerProcess", fake_process)
        monkeypatch.setattr(nskit.models.embedded, "embedded_model_target", lambda: Path("/models/smol"))
        monkeypatch.setattr(nskit.models.embedded, "embedded_model_dir", lambda: Path("/models/smol"))
        result = CliRunner().invoke(app, ["llm_math_judge", "--input_files", str(path), "--server_type", "vllm"])
    assert result.exit_code == 0, result.output
    assert seen == {"type": "vllm", "model": "/models/smol", "log": tmp_path / "judge-server.log", "stopped": True}
    assert read_jsonl(path)[0]["judge_correct"] is True


def test_server_down_aborts_without_persisting_the_failure_streak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Failures while the server is down are not written as judge_error: a resume judges them again."""
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    path = tmp_path / "output-rs0.jsonl"
    records = [{"problem": f"DOWN {i}", "expected_answer": str(i), "predicted_answer": f"{i}.0"} for i in range(6)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    before = path.read_bytes()
    with fake_openai(_script) as server:
        result = CliRunner().invoke(
            app,
            ["llm_math_judge", "--input_files", str(path), "--model", "fake-judge", "--server_type", "openai",
             "--server_address", server.base_url, "--max_retries", "0", "--error_budget", "3",
             "--max_concurrent_requests", "1"],
        )
    assert result.exit_code == 1 and "looks down" in result.output
    assert path.read_bytes() == before
    partial = tmp_path / "output-rs0.jsonl-async"
    kept = [json.loads(line) for line in partial.read_text().splitlines()] if partial.exists() else []
    assert not any(r.get("judge_error") for r in kept)

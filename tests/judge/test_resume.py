"""Resuming: records already in `<file>-async` are not asked again; a partial made with other settings is refused."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from nskit.generation.client import ModelClient, RetryPolicy
from nskit.judge.runner import FileJudge, JudgeSettings
from nskit.prompt.render import load_prompt_config
from nskit.records import PartialOutput, RecordFileError, read_jsonl
from tests.judge.fake_openai import fake_openai


def _ok(prompt: str, attempt: int) -> tuple[int, dict[str, str], str]:
    return 200, {}, "Fine.\nJudgement: Yes"


def _records(path: Path) -> list[dict]:
    records = [{"id": i, "problem": f"P{i}", "expected_answer": str(i), "predicted_answer": f"{i}.0"} for i in range(4)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return records


async def _judge(base_url: str, path: Path, model: str = "judge-a") -> FileJudge:
    client = ModelClient(base_url, model=model, retry=RetryPolicy(max_retries=0))
    try:
        settings = JudgeSettings(prompt=load_prompt_config("judge/math"), model=model)
        judge = FileJudge(client, settings)
        await judge.run([path])
        return judge
    finally:
        await client.close()


def test_resume_skips_finished_records(tmp_path: Path) -> None:
    path = tmp_path / "output.jsonl"
    records = _records(path)
    settings = JudgeSettings(prompt=load_prompt_config("judge/math"), model="judge-a")
    partial = PartialOutput(path, settings.fingerprint())
    partial.open()
    partial.append(1, {**records[1], "judgement": "earlier\nJudgement: No", "judge_correct": False})
    partial.close()
    with fake_openai(_ok) as server:
        judge = asyncio.run(_judge(server.base_url, path))
    assert not server.attempts("P1") and all(server.attempts(f"P{i}") for i in (0, 2, 3))
    final = read_jsonl(path)
    assert [r["judge_correct"] for r in final] == [True, False, True, True]
    assert judge.report.resumed == 1 and judge.report.requests == 3
    assert not (tmp_path / "output.jsonl-async").exists()


def test_partial_from_another_judge_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "output.jsonl"
    records = _records(path)
    other = JudgeSettings(prompt=load_prompt_config("judge/math"), model="judge-b")
    partial = PartialOutput(path, other.fingerprint())
    partial.open()
    partial.append(0, {**records[0], "judge_correct": True})
    partial.close()
    with fake_openai(_ok) as server, pytest.raises(RecordFileError, match="judge_model"):
        asyncio.run(_judge(server.base_url, path))
    assert read_jsonl(path) == records

"""`ns llm_math_judge` against the real local vLLM CPU server with the small embedded model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nskit.cli.app import app
from nskit.records import read_jsonl

pytestmark = pytest.mark.vllm


def test_judge_with_real_server_records_a_verdict_or_the_reason(vllm_server: str, tmp_path: Path) -> None:
    path = tmp_path / "eval-results" / "toy" / "output-rs0.jsonl"
    path.parent.mkdir(parents=True)
    records = [
        {"problem": "What is 1/2 as a decimal?", "expected_answer": "0.5", "predicted_answer": "\\frac{1}{2}"},
        {"problem": "What is 10 - 7?", "expected_answer": "3", "predicted_answer": "5"},
        {"problem": "What is 6 * 7?", "expected_answer": "42", "predicted_answer": "42.0"},
        {"problem": "What is 2 + 2?", "expected_answer": "4", "predicted_answer": "4"},
        {"problem": "What is 3 * 3?", "expected_answer": "9", "predicted_answer": None},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    result = CliRunner().invoke(
        app,
        ["llm_math_judge", "--input_files", str(path), "--server_type", "vllm", "--server_address", vllm_server,
         "--tokens_to_generate", "128"],
    )
    assert result.exit_code == 0, result.output
    judged = read_jsonl(path)
    assert [r["problem"] for r in judged] == [r["problem"] for r in records]
    for record in judged[:3]:  # asked: the small model's text is kept, its verdict parsed or explained
        assert isinstance(record["judgement"], str) and record["judgement"]
        assert isinstance(record["judge_correct"], bool)
        assert "judge_error" not in record
        if "judge_no_verdict" in record:
            assert record["judge_correct"] is False and record["judge_no_verdict"]
    assert judged[3]["judgement"] == "Judgement: Yes" and judged[3]["judge_correct"] is True
    assert judged[4]["judgement"] == "Judgement: No" and judged[4]["judge_correct"] is False
    assert "3 requests, 2 decided without a request" in result.output
    assert "cost unknown" in result.output and "judged 5 records in 1 file(s)" in result.output
    summary = CliRunner().invoke(app, ["summarize_results", str(tmp_path)])
    assert summary.exit_code == 0 and "judge_correct" in summary.output

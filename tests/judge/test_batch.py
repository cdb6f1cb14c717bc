"""`ns llm_math_judge --batch_api` against the fake Files + Batches endpoints: only the records that need a
request are sent, verdicts and failures land on the records, `--retry_errors` resubmits just the failure."""

from __future__ import annotations

import json
from pathlib import Path

from nskit.records import iter_jsonl
from tests.generation.fake_batches import fake_batch_api
from tests.helpers import ns

RECORDS = [
    {"id": "q0", "problem": "1 + 1?", "expected_answer": "2", "predicted_answer": None},
    {"id": "q1", "problem": "2 + 2?", "expected_answer": "4", "predicted_answer": "4"},
    {"id": "q2", "problem": "3 + 3?", "expected_answer": "6", "predicted_answer": "6.0"},
    {"id": "q3", "problem": "4 + 4?", "expected_answer": "8", "predicted_answer": "8.00"},
]


def judge(path: Path, base_url: str, *extra: str):  # type: ignore[no-untyped-def]
    return ns("llm_math_judge", "--input_files", str(path), "--server_address", base_url, "--model", "judge-model",
              "--batch_api", "--batch_poll_interval", "0.05", *extra)


def test_judge_in_batches_then_retry_the_failure(tmp_path: Path) -> None:
    path = tmp_path / "output-rs0.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    with fake_batch_api(fail={"q3:3"}, answer=lambda content: "Equivalent. Judgement: Yes") as api:
        first = judge(path, api.base_url)
        assert first.returncode == 1, first.stderr[-2000:]  # a judge_error is reported with exit 1
        assert [line["custom_id"] for line in api.inputs["batch_0"]] == ["q2:2"] + ["q3:3"]
        assert api.inputs["batch_0"][0]["body"]["model"] == "judge-model"
        records = list(iter_jsonl(path))
        assert [r["judge_correct"] for r in records] == [False, True, True, False]
        assert "judge_error" in records[3] and "http_400" in records[3]["judge_error"]
        api.fail.clear()
        again = judge(path, api.base_url, "--retry_errors")
        assert again.returncode == 0, again.stderr[-2000:]
        assert [line["custom_id"] for line in api.inputs["batch_1"]] == ["q3:3"]
    records = list(iter_jsonl(path))
    assert [r["judge_correct"] for r in records] == [False, True, True, True]
    assert not any("judge_error" in r for r in records)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output-rs0.jsonl"]

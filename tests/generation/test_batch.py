"""Batch mode against a fake of the OpenAI Files + Batches endpoints: upload, create, poll, download, partial
failure and --retry_errors, expiry, split of an oversized batch, and a rerun that attaches to the batch in flight."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from nskit.generation.batch_files import state_path
from nskit.generation.command import GenerateRequest, run_generate
from nskit.records import iter_jsonl
from nskit.records.partial import partial_path
from tests.faults.helpers import write_problems
from tests.generation.fake_batches import FakeBatchAPI, fake_batch_api
from tests.helpers import ns_background, wait_for

FAST = ["++batch_api=True", "++batch_poll_interval=0.01"]


def generate(tmp_path: Path, api: FakeBatchAPI, *overrides: str, retry_errors: bool = False) -> Path:
    source, output = tmp_path / "in.jsonl", tmp_path / "out" / "output.jsonl"
    if not source.exists():
        write_problems(source, 6)
    run_generate(GenerateRequest(input_file=source, output_file=output, server_address=api.base_url,
                                 retry_errors=retry_errors, overrides=[*FAST, *overrides]))
    return output


def assert_answered(records: list[dict], count: int) -> None:
    assert [r["id"] for r in records] == [f"p{i}" for i in range(count)]
    for record in records:
        assert "error" not in record and record["generation"].startswith("ok: ")
        assert record["generation"].endswith(record["problem"]) and record["num_generated_tokens"] == 2


def assert_clean(output: Path) -> None:
    """Only the final file is left: no partial file, no batch state, no batch input or result files."""
    assert [p.name for p in output.parent.iterdir()] == [output.name]


def test_batch_round_trip_with_a_failed_request_then_retry_errors(tmp_path: Path) -> None:
    with fake_batch_api(polls_to_finish=3, fail={"p2:rs0:2"}) as api:
        output = generate(tmp_path, api)
        records = list(iter_jsonl(output))
        assert api.uploads == 1 and list(api.batches) == ["batch_0"] and api.polls["batch_0"] == 3
        sent = api.inputs["batch_0"]
        assert [line["custom_id"] for line in sent] == [f"p{i}:rs0:{i}" for i in range(6)]
        assert {line["url"] for line in sent} == {"/v1/chat/completions"}
        assert sent[0]["body"]["model"] == "fake-batch-model" and sent[0]["body"]["seed"] == 0
        assert "http_400" in records[2]["error"] and "injected failure" in records[2]["error"]
        assert [r["id"] for r in records] == [f"p{i}" for i in range(6)]
        assert all(r["generation"].endswith(r["problem"]) for i, r in enumerate(records) if i != 2)
        assert_clean(output)

        api.fail.clear()
        generate(tmp_path, api, retry_errors=True)
        assert [line["custom_id"] for line in api.inputs["batch_1"]] == ["p2:rs0:2"]
        assert_answered(list(iter_jsonl(output)), 6)
        assert_clean(output)


def test_an_expired_batch_leaves_errors_that_retry_errors_resubmits(tmp_path: Path) -> None:
    with fake_batch_api(expire_after=4) as api:
        output = generate(tmp_path, api)
        records = list(iter_jsonl(output))
        assert_answered(records[:4], 4)
        assert all(r["error"].startswith("batch_expired") for r in records[4:])
        api.expire_after = None
        generate(tmp_path, api, retry_errors=True)
        assert [line["custom_id"] for line in api.inputs["batch_1"]] == ["p4:rs0:4", "p5:rs0:5"]
        assert_answered(list(iter_jsonl(output)), 6)


@pytest.mark.parametrize(("limit", "sizes"), [("++batch_max_requests=4", [4, 2]), ("++batch_max_bytes=400", [1] * 6)])
def test_an_oversized_batch_is_split(tmp_path: Path, limit: str, sizes: list[int]) -> None:
    with fake_batch_api() as api:
        output = generate(tmp_path, api, limit)
        assert [len(api.inputs[b]) for b in api.batches] == sizes
        assert api.uploads == len(sizes)
        assert_answered(list(iter_jsonl(output)), 6)
        assert_clean(output)


def test_a_rerun_attaches_to_the_batch_in_flight(tmp_path: Path) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "out" / "output.jsonl"
    write_problems(source, 6)
    with fake_batch_api(hold=True) as api:
        args = ["generate", "--input_file", str(source), "--output_file", str(output), "--server_address",
                api.base_url, "++batch_api=True", "++batch_poll_interval=0.1"]
        process = ns_background(*args, log=tmp_path / "first.log")
        wait_for(lambda: api.polls.get("batch_0", 0) >= 2, 60, "the batch polled twice")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        saved = json.loads(state_path_of(output).read_text())
        assert [b["id"] for b in saved["batches"]] == ["batch_0"] and partial_path(output).exists()

        api.hold = False
        generate(tmp_path, api)
        assert list(api.batches) == ["batch_0"] and api.uploads == 1  # attached, nothing submitted again
        assert_answered(list(iter_jsonl(output)), 6)
        assert_clean(output)


def state_path_of(output: Path) -> Path:
    return output.with_name(output.name + "-batch.json")


def test_state_path_is_beside_the_partial_file(tmp_path: Path) -> None:
    assert state_path(tmp_path / "o.jsonl") == state_path_of(tmp_path / "o.jsonl")


def test_eval_runs_its_generation_in_batches(tmp_path: Path, mirror_dir: Path) -> None:
    from tests.helpers import ns

    out = tmp_path / "run"
    with fake_batch_api() as api:
        result = ns("eval", "--benchmarks=gsm8k:1", "--output_dir", str(out), "--data_dir", str(tmp_path / "data"),
                    "--mirror", str(mirror_dir), "--server_type", "openai", "--server_address", api.base_url,
                    "++max_samples=3", "++batch_api=True", "++batch_poll_interval=0.05")
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
        assert sorted(len(lines) for lines in api.inputs.values()) == [3, 3]  # greedy and one seed, one batch each
        seeds = {line["body"]["seed"] for lines in api.inputs.values() for line in lines}
    folder = out / "eval-results" / "gsm8k"
    for name in ("output.jsonl", "output-rs0.jsonl"):
        records = list(iter_jsonl(folder / name))
        assert len(records) == 3 and all(r["generation"].startswith("ok: ") and "symbolic_correct" in r for r in records)
    assert seeds == {0}

"""Kill `ns generate` mid-run with SIGKILL, rerun: every record exactly once, finished ones not requested again."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from nskit.records import iter_jsonl
from nskit.records.partial import partial_path
from tests.faults.helpers import finished_records, write_problems
from tests.faults.proxy import FaultProxy
from tests.helpers import ns, ns_background, wait_for

pytestmark = pytest.mark.vllm


def test_kill_and_resume(tmp_path: Path, vllm_server: str) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "out" / "output-rs0.jsonl"
    write_problems(source, 24)
    with FaultProxy(vllm_server) as proxy:
        args = ["generate", "--input_file", str(source), "--output_file", str(output), "--server_address",
                proxy.base_url, "++inference.temperature=0.7", "++inference.random_seed=0",
                "++inference.tokens_to_generate=96", "++max_concurrent_requests=4"]
        proxy.hold_after(6)  # requests are in flight at the kill and records left to do, however fast the machine
        process = ns_background(*args, log=tmp_path / "first.log")
        wait_for(lambda: len(finished_records(output)) >= 6 and proxy.state.counts["held"] > 0, 300,
                 "six finished records and a request held")
        process.send_signal(signal.SIGKILL)
        process.wait()
        proxy.release()
    args[args.index(proxy.base_url)] = vllm_server
    finished = finished_records(output)
    assert len(finished) == 6 and not output.exists()

    result = ns(*args)
    assert result.returncode == 0, result.stderr
    assert "resumed" in result.stderr + result.stdout
    final = list(iter_jsonl(output))
    assert [r["id"] for r in final] == [f"p{i}" for i in range(24)]
    for position, before in finished.items():
        after = final[position]
        # Same start time and text: the record was kept, not requested a second time.
        assert after["generation_start_time"] == before["generation_start_time"]
        assert after["generation"] == before["generation"]
    assert not partial_path(output).exists()

    again = ns(*args)
    assert again.returncode == 0 and "0 records requested" in again.stderr + again.stdout


def test_changed_settings_refuse_to_mix(tmp_path: Path, vllm_server: str) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "output.jsonl"
    write_problems(source, 3)
    partial = partial_path(output)
    partial.write_text(json.dumps({"id": "p0", "generation": "x", "_async_position": 0}) + "\n")
    partial.with_name(partial.name + ".meta.json").write_text(json.dumps({"inference": {"temperature": 0.3}}))
    result = ns("generate", "--input_file", str(source), "--output_file", str(output), "--server_address", vllm_server)
    assert result.returncode == 2
    assert "partial output was made with other settings" in result.stderr

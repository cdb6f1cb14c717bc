"""Requests spread over replicas (`--server_address A,B`): both serve, and a replica that dies mid-run loses no
record (its requests in flight are sent again to the other). The replicas are the real vLLM server, reached
directly and through a proxy that the test kills like a server process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import ns_background, wait_for
from tests.proxy import RecordingProxy

pytestmark = [pytest.mark.vllm]

SAMPLES = 8


def records(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def eval_args(vllm_server: str, replica: str, tmp_path: Path, mirror_dir: Path) -> list[str]:
    from tests.cli.test_eval_judge import served_model

    return ["eval", "--benchmarks=gsm8k:0", "--server_address", f"{vllm_server},{replica}",
            "--model", served_model(vllm_server), "--output_dir", str(tmp_path / "out"), "--data_dir",
            str(tmp_path / "data"), "--mirror", str(mirror_dir), f"++max_samples={SAMPLES}",
            "++inference.tokens_to_generate=64", "++max_concurrent_requests=4"]


def test_a_replica_dying_mid_run_loses_no_record(vllm_server: str, tmp_path: Path, mirror_dir: Path) -> None:
    output = tmp_path / "out" / "eval-results" / "gsm8k" / "output.jsonl"
    with RecordingProxy(vllm_server) as replica:
        run = ns_background(*eval_args(vllm_server, replica.base_url, tmp_path, mirror_dir), log=tmp_path / "run.log")
        try:
            wait_for(lambda: replica.completions >= 2, 300, "the proxied replica to answer twice")
            replica.kill()
            served_before_death = replica.completions
            assert run.wait(timeout=600) == 0, (tmp_path / "run.log").read_text()[-3000:]
        finally:
            if run.poll() is None:
                run.kill()
    done = records(output)
    assert len(done) == SAMPLES and not any(record.get("error") for record in done)
    assert len({record["problem"] for record in done}) == SAMPLES
    assert served_before_death < SAMPLES
    log = (tmp_path / "out" / "logs" / "generate.log").read_text()
    assert f"replica {replica.base_url} is down" in log
    assert "requests answered per replica" in log  # both served: the proxied one twice before it died

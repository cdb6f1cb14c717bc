"""Two server replicas in one Slurm job (`--server_replicas 2`) on the real one-node Slurm: both serve, and
killing one replica's server mid-run still completes every record (the client sends its requests to the other)."""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

import pytest

from tests.cluster.test_slurm import slurm_config  # noqa: F401 - the module fixture (skips or fails without Slurm)
from tests.helpers import ns_background, wait_for

pytestmark = [pytest.mark.slurm, pytest.mark.slow]

SAMPLES = 10
RECORDS = SAMPLES * 3  # greedy + 2 seeds (gsm8k:2)
SERVED = re.compile(r'"POST /v1/(?:chat/)?completions HTTP/1\.1" 200')
SERVER_PID = re.compile(r"Started server process \[(\d+)\]")


def records(out: Path, suffix: str = "") -> list[dict]:
    found = []
    for path in sorted((out / "eval-results" / "gsm8k").glob(f"output*.jsonl{suffix}")):
        found += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return found


def replica_logs(out: Path) -> list[Path]:
    """The two replicas' server logs (`server-<job>-<i>.log`), replica 0 first."""
    return sorted(out.rglob("server-*-[01].log"), key=lambda p: p.stem[-1])


def served(log: Path) -> int:
    return len(SERVED.findall(log.read_text(errors="replace"))) if log.exists() else 0


def answering_replica(out: Path) -> Path | None:
    """The log of a replica that has answered a request (replica 1 first), or None."""
    return next((log for log in reversed(replica_logs(out)) if served(log)), None)


def test_killing_one_of_two_replicas_on_slurm_loses_no_record(
    slurm_config: Path, tmp_path: Path, mirror_dir: Path  # noqa: F811 - the imported fixture
) -> None:
    out = tmp_path / "out"
    log = tmp_path / "eval.out"
    run = ns_background("eval", f"--cluster={slurm_config}", "--server_replicas=2", "--benchmarks=gsm8k:2",
                        f"++max_samples={SAMPLES}", "++inference.tokens_to_generate=64",
                        "++max_concurrent_requests=4", "--output_dir", str(out), "--data_dir", str(tmp_path / "data"),
                        "--mirror", str(mirror_dir), "--expname", "replicas", "--wait", log=log)
    try:
        # As soon as the first records are written, kill a replica that has answered (so it served); the other one
        # must answer every request left, its own and those that were in flight on the dead one.
        wait_for(lambda: records(out, "-async") and answering_replica(out) is not None, 600,
                 "a replica to answer and the first records to be written", interval=0.2)
        victim = answering_replica(out)
        assert victim is not None
        pid = int(SERVER_PID.findall(victim.read_text())[-1])
        os.killpg(os.getpgid(pid), signal.SIGKILL)  # the replica's supervisor group: vLLM and its engine
        done_at_kill = len(records(out)) + len(records(out, "-async"))
        assert run.wait(timeout=600) == 0, log.read_text()[-4000:]
    finally:
        if run.poll() is None:
            run.kill()
    assert done_at_kill < RECORDS // 2, f"the replica was killed late, after {done_at_kill} of {RECORDS} records"
    done = records(out)
    assert len(done) == RECORDS and not [r for r in done if r.get("error")], done
    assert len(replica_logs(out)) == 2 and all(served(p) for p in replica_logs(out))  # both served
    generate_log = next(out.rglob("generate*.log")).read_text()
    assert f"replica http://127.0.0.1:{victim_port(victim)}/v1 is down" in generate_log, generate_log[-3000:]


def victim_port(log: Path) -> int:
    """The port of the replica whose log is `log` (`server-<job>-<i>.log`), as the Slurm task derives it."""
    from nskit.cluster.slurm_tasks import job_port

    job, index = log.stem.split("-")[1:3]
    return job_port(job, replica=int(index))

"""On the real Slurm: a failing job is reported by `--wait` (SlurmJobsFailed: each job's state and log, exit 1),
its dependents are cancelled, and `--run_after` makes a later run's first job wait for the earlier run's jobs."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cluster.test_slurm import job_ids, queued, sacct_states, slurm_config  # noqa: F401 - fixture
from tests.helpers import ns, ns_background, wait_for

pytestmark = [pytest.mark.slurm, pytest.mark.slow]



@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers: a request to it fails after its timeout (30 s), so
    the generation job fails, late enough for a second run to be submitted while it is still queued or running."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"


def failing_eval(config: Path, tmp_path: Path, mirror_dir: Path, expname: str, server: str) -> list[str]:
    return ["eval", f"--cluster={config}", "--benchmarks=gsm8k:0", "--server_address", server, "--model=m",
            "--output_dir", str(tmp_path / expname), "--data_dir", str(tmp_path / "data"), "--mirror",
            str(mirror_dir), "--expname", expname, "++max_samples=2", "++max_retries=0", "++error_budget=1",
            "++request_timeout=30"]


def dependency(job_id: str) -> str:
    """The Dependency= field of a queued job."""
    out = subprocess.run(["scontrol", "show", "job", job_id], capture_output=True, text=True, check=True).stdout
    return next(word for word in out.split() if word.startswith("Dependency="))


def test_failed_job_is_reported_and_run_after_waits_for_it(
    slurm_config: Path, tmp_path: Path, mirror_dir: Path, silent_server: str  # noqa: F811
) -> None:
    first = ns_background(*failing_eval(slurm_config, tmp_path, mirror_dir, "fails", silent_server), "--wait",
                          log=tmp_path / "first.out")
    try:
        wait_for(lambda: len(job_ids((tmp_path / "first.out").read_text())) == 4, 300, "the first run's submission")
        earlier = set(job_ids((tmp_path / "first.out").read_text()).values())
        second = ns(*failing_eval(slurm_config, tmp_path, mirror_dir, "after", silent_server), "--run_after", "fails",
                    timeout=300)
        assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
        later = job_ids(second.stdout)
        waits_for = dependency(later["prepare-data"]).removeprefix("Dependency=")
        subprocess.run(["scancel", *later.values()], check=True)  # only its dependency mattered
        pending = {part.split("(")[0] for part in waits_for.removeprefix("afterany:").split(":")}
        assert waits_for.startswith("afterany:") and pending and pending <= earlier, waits_for
        assert first.wait(timeout=600) == 1, (tmp_path / "first.out").read_text()[-3000:]
    finally:
        if first.poll() is None:
            first.kill()
    report = (tmp_path / "first.out").read_text()
    ids = job_ids(report)
    assert "Slurm job(s) did not complete" in report and "re-run the same command" in report
    assert f"nskit-fails-generate (job {ids['generate']}): FAILED; log: " in report
    states = sacct_states(list(ids.values()))
    assert states[ids["prepare-data"]] == "COMPLETED" and states[ids["generate"]] == "FAILED", states
    assert {states[ids["grade-gsm8k"]], states[ids["summarize"]]} == {"CANCELLED"}, states  # kill_invalid_depend
    assert queued("fails") == [] and queued("after") == []

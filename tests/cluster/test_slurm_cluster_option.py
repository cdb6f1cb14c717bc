"""`--cluster <Slurm config>` on a command that otherwise runs in-process: submitted as one Slurm job."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.cluster.test_slurm import slurm_config  # noqa: F401 - the fixture
from tests.helpers import ns

pytestmark = [pytest.mark.slurm, pytest.mark.slow]

DATA = Path(__file__).resolve().parents[1] / "data" / "nemo_skills"


def test_summarize_results_on_slurm(tmp_path: Path, slurm_config: Path) -> None:  # noqa: F811
    shutil.copytree(DATA / "eval-results", tmp_path / "eval-results")
    result = ns("summarize_results", str(tmp_path), f"--cluster={slurm_config}", "++majority=string", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "submitting to" in result.stderr and "ns summarize_results" in result.stderr
    submitted = result.stderr.split("submitting to", 1)[1].split("\n", 1)[0]
    assert "--majority string" in submitted and "--cluster" not in submitted.split(": ", 1)[1]
    metrics = json.loads((tmp_path / "eval-results" / "metrics.json").read_text())  # written by the Slurm job
    assert metrics["hendrycks_math"]["majority@3"]["symbolic_correct"] == pytest.approx(76.19047619047618)
    job_dir = Path(re.findall(r"log: (\S+)", result.stdout)[-1])
    logs = [p.read_text(errors="replace") for p in job_dir.glob("log-*.out")]
    assert any("hendrycks_math-aime24" in log for log in logs), logs  # the job printed the tables

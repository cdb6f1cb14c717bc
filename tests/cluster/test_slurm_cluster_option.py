"""`--cluster <Slurm config>` on a command that otherwise runs in-process: submitted as one Slurm job."""

from __future__ import annotations

import json
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
    assert "submitting to" in result.stdout and "summarize_results" in result.stdout
    assert "--majority string" in result.stdout and "--cluster" not in result.stdout.split("(logs in")[0]
    metrics = json.loads((tmp_path / "eval-results" / "metrics.json").read_text())  # written by the Slurm job
    assert metrics["hendrycks_math"]["majority@3"]["symbolic_correct"] == pytest.approx(76.19047619047618)
    logs = list((tmp_path / "logs").rglob("*"))
    assert any("hendrycks_math" in p.read_text(errors="replace") for p in logs if p.is_file()), logs

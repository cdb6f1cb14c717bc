"""`ns eval` on code benchmarks: the plan runs the grade steps in a sandbox, and a small run on the real server."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from nskit.config.cluster import load_cluster_config
from nskit.config.settings import generation_settings
from nskit.pipeline.eval_plan import EvalRequest, build_eval_plan
from tests.helpers import ns


def plan_for(benchmarks: list[tuple[str, int]], overrides: list[str]):
    request = EvalRequest(benchmarks=benchmarks, output_dir=Path("/out"), cluster=load_cluster_config("local"),
                          server_address="http://127.0.0.1:1/v1", model="m",
                          settings=generation_settings(overrides))
    return build_eval_plan(request)


def test_code_grade_steps_need_the_plans_sandbox_math_ones_do_not() -> None:
    plan = plan_for([("humaneval", 2), ("gsm8k", 0)], ["++max_samples=3"])
    steps = {step.name: step for step in plan.steps}
    assert plan.sandbox is not None
    assert steps["grade-humaneval"].needs_sandbox and steps["grade-humaneval"].argv[-2:] == ["--extraction", "code"]
    assert not steps["grade-gsm8k"].needs_sandbox and not steps["generate"].needs_sandbox
    assert plan_for([("gsm8k", 0)], []).sandbox is None


def test_a_given_sandbox_address_is_used_for_grading_too() -> None:
    plan = plan_for([("mbpp", 0)], ["++sandbox_address=http://127.0.0.1:6000"])
    grade = next(step for step in plan.steps if step.name == "grade-mbpp")
    assert plan.sandbox is None and not grade.needs_sandbox
    assert grade.argv[-2:] == ["--sandbox_address", "http://127.0.0.1:6000"]


@pytest.mark.vllm
@pytest.mark.sandbox
def test_eval_on_code_benchmarks_with_the_real_server(tmp_path: Path, vllm_server: str, mirror_dir: Path) -> None:
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed")
    out = tmp_path / "run"
    result = ns("eval", "--benchmarks=humaneval:2,mbpp:0", "--output_dir", str(out), "--data_dir", str(tmp_path / "data"),
                "--mirror", str(mirror_dir), "--server_type", "openai", "--server_address", vllm_server,
                "++max_samples=2", "++inference.tokens_to_generate=160")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    eval_log = (out / "logs" / "eval.log").read_text()
    assert re.search(r"sandbox ready at http://127\.0\.0\.1:\d+", eval_log), eval_log
    tables = result.stdout
    for name in ("humaneval", "mbpp"):
        assert f" {name} " in tables
    header = next(line for line in tables.splitlines() if line.startswith("evaluation_mode"))
    assert "passing_base_tests" in header and "symbolic_correct" not in header
    modes = [line.split("|")[0].strip() for line in tables.splitlines() if "|" in line]
    assert {"greedy", "pass@1[avg-of-2]", "pass@2"} <= set(modes)  # the table shows k = N (metrics.json every k)
    assert not any(mode.startswith("majority") for mode in modes)
    for path in (out / "eval-results").glob("*/output*.jsonl"):
        records = [json.loads(line) for line in path.read_text().splitlines()]
        assert len(records) == 2, path
        for record in records:
            assert record["status"] in {"passed", "failed", "timeout", "error", "no_code"}
            assert record["passed"] is (record["status"] == "passed")
            assert (record["predicted_answer"] is None) is (record["status"] == "no_code")
            assert isinstance(record["execution_time"], float)

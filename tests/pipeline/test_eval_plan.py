"""`build_eval_plan`: one test per option that changes the plan (steps, their argv, order, servers, sandbox)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nskit.config.cluster import load_cluster_config
from nskit.config.settings import as_overrides, generation_settings
from nskit.errors import UserError
from nskit.pipeline.eval_plan import EvalRequest, build_eval_plan
from nskit.pipeline.judge_steps import JudgeRequest
from nskit.pipeline.plan import JUDGE_SERVER, MAIN_SERVER, Plan

OUT = Path("/o")
MODEL = "/models/m"


def plan(**changes: object) -> Plan:
    fields: dict[str, object] = dict(benchmarks=[("gsm8k", 2)], output_dir=OUT, cluster=load_cluster_config("local"),
                                     model=MODEL)
    fields.update(changes)
    return build_eval_plan(EvalRequest(**fields))  # type: ignore[arg-type]


def step(p: Plan, name: str):  # type: ignore[no-untyped-def]
    return next(s for s in p.steps if s.name == name)


def test_default_plan() -> None:
    p = plan()
    assert [s.name for s in p.steps] == ["prepare-data", "generate", "grade-gsm8k", "summarize"]
    assert step(p, "generate").argv[:3] == ["generate", "--chunks", "gsm8k:greedy,gsm8k:rs0,gsm8k:rs1"]
    assert step(p, "generate").needs_server and step(p, "generate").after == ["prepare-data"]
    assert step(p, "grade-gsm8k").argv[-2:] == ["--extraction", "boxed"]
    assert step(p, "summarize").after == ["grade-gsm8k"]
    assert p.server is not None and p.server.model == MODEL and p.server.server_type == "vllm"
    assert p.sandbox is None and p.judge_server is None


def test_benchmarks_and_seeds() -> None:
    p = plan(benchmarks=[("gsm8k", 1), ("math-500", 0)])
    assert "math-500" in step(p, "prepare-data").argv
    assert step(p, "generate").argv[2] == "gsm8k:greedy,gsm8k:rs0,math-500:greedy"
    assert step(p, "summarize").after == ["grade-gsm8k", "grade-math-500"]


def test_skip_greedy_and_starting_seed() -> None:
    assert step(plan(skip_greedy=True, starting_seed=5), "generate").argv[2] == "gsm8k:rs5,gsm8k:rs6"
    with pytest.raises(UserError, match="nothing to generate"):
        plan(benchmarks=[("gsm8k", 0)], skip_greedy=True)


def test_num_jobs_splits_generation() -> None:
    p = plan(num_jobs=-1)
    generates = [s for s in p.steps if s.name.startswith("generate-")]
    assert [s.argv[2] for s in generates] == ["gsm8k:greedy", "gsm8k:rs0", "gsm8k:rs1"]
    assert step(p, "grade-gsm8k").after == ["generate-0", "generate-1", "generate-2"]
    assert len([s for s in plan(num_jobs=2).steps if s.name.startswith("generate-")]) == 2


def test_server_address_means_no_server() -> None:
    p = plan(server_address="http://h:1/v1", model=None)
    assert p.server is None and not step(p, "generate").needs_server
    assert step(p, "generate").argv[-4:] == ["--server_address", "http://h:1/v1", "--server_type", "openai"]
    assert not any(s.name == "convert-default-model" for s in p.steps)


def test_server_resources_and_flags() -> None:
    p = plan(server_gpus=2, server_nodes=3, server_args=["--x", "1"], settings=generation_settings(["++max_samples=5"]))
    assert (p.server.gpus, p.server.nodes) == (2, 3)  # type: ignore[union-attr]
    assert p.server.args[-2:] == ["--x", "1"] and "--enforce-eager" in p.server.args  # type: ignore[union-attr]


def test_default_model_needs_no_gpu(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NSKIT_CACHE", str(tmp_path))  # an empty cache: the embedded model needs converting
    p = plan(model=None)
    assert p.steps[0].name == "convert-default-model" and p.server.model.startswith(str(tmp_path))  # type: ignore[union-attr]
    with pytest.raises(UserError, match="--model is required"):
        plan(model=None, server_gpus=1)


def test_data_dir_mirror_and_flags_reach_the_steps() -> None:
    p = plan(data_dir=Path("/d"), mirror=Path("/mm"), rerun_done=True, retry_errors=True, settings=generation_settings(["++max_samples=3"]))
    assert step(p, "prepare-data").argv[-4:] == ["--data_dir", "/d", "--mirror", "/mm"]
    argv = step(p, "generate").argv
    assert ["--data_dir", "/d"] == argv[argv.index("--data_dir"):argv.index("--data_dir") + 2]
    assert argv[-3:] == ["--rerun_done", "--retry_errors", "++max_samples=3"]


def test_code_execution_plans_a_sandbox() -> None:
    p = plan(settings=generation_settings(["++code_execution=true", "++max_concurrent_requests=8"]))
    assert p.sandbox is not None and p.sandbox.max_sessions == 8 and step(p, "generate").needs_sandbox
    assert plan(settings=generation_settings(["++code_execution=true", "++sandbox_address=http://s:1"])).sandbox is None


def test_expname_names_the_plan() -> None:
    assert plan(expname="mine").name == "mine"


def test_judge_at_an_address() -> None:
    p = plan(judge=JudgeRequest(model="J", server_type="openai", server_address="http://j:1/v1",
                                extra_args=["--tokens_to_generate", "9"]))
    judge = step(p, "judge-gsm8k")
    assert judge.after == ["grade-gsm8k"] and not judge.needs_server
    assert judge.argv == ["llm_math_judge", "--input_files", "/o/eval-results/gsm8k/output*.jsonl", "--model", "J",
                          "--server_type", "openai", "--server_address", "http://j:1/v1", "--tokens_to_generate", "9"]
    assert step(p, "summarize").after == ["judge-gsm8k"] and p.judge_server is None
    assert [s.name for s in p.steps].index("judge-gsm8k") > [s.name for s in p.steps].index("grade-gsm8k")


def test_judge_on_the_openai_api() -> None:
    judge = step(plan(judge=JudgeRequest(model="gpt-4o")), "judge-gsm8k")
    assert not judge.needs_server and "--server_address" not in judge.argv
    with pytest.raises(UserError, match="judge_server_gpus"):
        plan(judge=JudgeRequest(model="gpt-4o", server_gpus=1))


def test_vllm_judge_of_the_evaluated_model_shares_its_server() -> None:
    p = plan(judge=JudgeRequest(model=MODEL, server_type="vllm"))
    judge = step(p, "judge-gsm8k")
    assert judge.needs_server and judge.server == MAIN_SERVER and p.judge_server is None


def test_vllm_judge_of_another_model_gets_its_own_server() -> None:
    p = plan(judge=JudgeRequest(model="/models/judge", server_type="vllm", server_gpus=4))
    judge = step(p, "judge-gsm8k")
    assert judge.needs_server and judge.server == JUDGE_SERVER
    assert p.judge_server is not None and (p.judge_server.model, p.judge_server.gpus) == ("/models/judge", 4)
    assert p.server_for(judge) is p.judge_server and p.server_for(step(p, "generate")) is p.server
    assert "judge server: vllm model=/models/judge gpus=4" in p.describe()


@pytest.mark.parametrize("overrides", [
    ["++max_samples=3"],
    ["++inference.temperature=0.7", "++inference.tokens_to_generate=128", "++code_execution=true"],
    ["++inference.stop_phrases=[\"a\", \"b: c\"]", "++system_message=true", "++system_message=", "++code_tags=llm-code"],
])
def test_settings_travel_to_the_steps_as_the_same_settings(overrides: list[str]) -> None:
    settings = generation_settings(overrides)
    argv = step(plan(settings=settings), "generate").argv
    passed = [a for a in argv if a.startswith("++")]
    assert passed == as_overrides(settings)
    assert generation_settings(passed) == settings
    assert generation_settings(passed).model_fields_set == settings.model_fields_set


def test_eager_for_small_runs_compiled_for_big_ones() -> None:
    small = plan(settings=generation_settings(["++max_samples=20", "++inference.tokens_to_generate=512"]))  # 3 files x 20 x 512 = 30k
    assert "--enforce-eager" in small.server.args  # type: ignore[union-attr]
    big = plan(settings=generation_settings(["++max_samples=100", "++inference.tokens_to_generate=2048"]), server_args=["--x", "1"])
    assert "--enforce-eager" not in big.server.args and big.server.args[-2:] == ["--x", "1"]  # type: ignore[union-attr]
    chosen = plan(settings=generation_settings(["++max_samples=100", "++inference.tokens_to_generate=2048"]),
                  server_args=["--enforce-eager"])
    assert "--enforce-eager" in chosen.server.args  # type: ignore[union-attr]  # the user's own flag stays

"""The reward model server in the eval plan: started for the generation steps only, its address passed on."""

from __future__ import annotations

from pathlib import Path

import pytest

from nskit.cluster import local
from nskit.config.cluster import load_cluster_config
from nskit.config.settings import generation_settings
from nskit.pipeline.eval_plan import EvalRequest, build_eval_plan
from nskit.pipeline.plan import Plan, ServerRequest, Step


def _request(tmp_path: Path, **kwargs) -> EvalRequest:
    return EvalRequest(benchmarks=[("gsm8k", 0)], output_dir=tmp_path, cluster=load_cluster_config("local"),
                       server_address="http://127.0.0.1:1/v1",
                       settings=generation_settings(["++strategy=best_of_n", "++best_of_n.scorer=reward_model"]),
                       **kwargs)


def test_reward_model_gets_a_server_of_its_own(tmp_path: Path) -> None:
    plan = build_eval_plan(_request(tmp_path, reward_model="/models/rm", reward_server_args=["--convert", "classify"]))
    assert plan.reward_server is not None and plan.reward_server.model == "/models/rm"
    assert plan.reward_server.args[-2:] == ["--convert", "classify"]
    assert [s.name for s in plan.steps if s.needs_reward_server] == ["generate"]
    assert "reward server: vllm model=/models/rm" in plan.describe()


def test_a_running_reward_server_is_passed_as_a_setting(tmp_path: Path) -> None:
    plan = build_eval_plan(_request(tmp_path, reward_model="/models/rm", reward_server_address="http://127.0.0.1:9"))
    assert plan.reward_server is None
    generate = next(s for s in plan.steps if s.name == "generate")
    assert "++reward_server_address=http://127.0.0.1:9" in generate.argv


class FakeServer:
    """Records start and stop; stands in for a vLLM process."""

    def __init__(self, events: list[str]) -> None:
        self.events, self.base_url, self.log_path = events, "http://127.0.0.1:7/v1", "reward.log"

    def start(self) -> None:
        self.events.append("reward up")

    def stop(self) -> None:
        self.events.append("reward down")


def test_local_executor_starts_and_stops_the_reward_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    events: list[str] = []
    monkeypatch.setattr(local, "launch_replicas", lambda request, log, base_env: FakeServer(events))
    monkeypatch.setattr(local, "run_step", lambda step, env, log_dir, server, sandbox, reward: events.append(
        f"{step.name} {reward}"))
    plan = Plan(name="t", reward_server=ServerRequest(server_type="vllm", model="rm"), steps=[
        Step("prepare", ["prepare_data"]), Step("generate", ["generate"], needs_reward_server=True),
        Step("grade", ["grade"])])
    local.run_plan(plan, tmp_path)
    assert events == ["prepare None", "reward up", "generate http://127.0.0.1:7/v1", "reward down", "grade None"]


def test_a_program_strategy_gets_a_sandbox_and_its_settings_reach_the_step(tmp_path: Path) -> None:
    settings = generation_settings(["++strategy=plan2code", "++problem_ids=[p1,p2]"])
    plan = build_eval_plan(EvalRequest(benchmarks=[("gsm8k", 0)], output_dir=tmp_path,
                                       cluster=load_cluster_config("local"), server_address="http://127.0.0.1:1/v1",
                                       settings=settings))
    assert plan.sandbox is not None
    generate = next(s for s in plan.steps if s.name == "generate")
    overrides = [a for a in generate.argv if a.startswith("++")]
    assert generation_settings(overrides) == settings

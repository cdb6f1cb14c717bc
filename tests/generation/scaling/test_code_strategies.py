"""Strategies on code problems: the visible tests, the `tests` scorer and votes over outcome vectors (a scripted
model, the real sandbox service), and the strategies that refuse code with the reason."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from nskit.config.scaling import (
    BeamSearchSettings,
    BestOfNSettings,
    ModelSelectionSettings,
    RevisionSettings,
    SelfConsistencySettings,
    SelfRefineSettings,
)
from nskit.errors import UserError
from nskit.generation.scaling.code import check_code_support, visible_tests
from nskit.generation.scaling.programs import model_selection
from nskit.generation.scaling.refine import revision, self_refine
from nskit.generation.scaling.sampling import best_of_n, self_consistency
from nskit.generation.scaling.scorers import VisibleTests
from nskit.sandbox import SandboxClient, SandboxProcess
from tests.generation.scaling.scripted import ScriptedModel, last_user, make_context
from tests.helpers import ns

MBPP_LIKE = {
    "id": "mbpp-x", "problem": "Write a function to add two numbers.",
    "tests_shown": "assert add(1, 2) == 3\nassert add(0, 5) == 5",
    "test_code": "assert add(1, 2) == 3\nassert add(0, 5) == 5\n",
}
HUMANEVAL_LIKE = {
    "id": "humaneval-x", "entry_point": "add", "completion_prefix": "def add(a, b):\n",
    "problem": 'def add(a, b):\n    """Sum.\n    >>> add(1, 2)\n    3\n    >>> add("a", "b")\n    "ab"\n    """\n',
    "test_code": "def check(f):\n    assert f(-1, 1) == 0\n\ncheck(add)\n",
}
RIGHT = "```python\ndef add(a, b):\n    return a + b\n```"
ALSO_RIGHT = "Here:\n```python\ndef add(x, y):\n    total = y + x\n    return total\n```"
OFF_BY_ONE = "```python\ndef add(a, b):\n    return a + b + (a == 0)\n```"
NO_CODE = "I am not sure."


@pytest.fixture(scope="module")
def sandbox_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real sandbox service for this module."""
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap (bwrap) is not installed; run .ci/install_sandbox.sh")
    log = tmp_path_factory.mktemp("sandbox") / "service.log"
    with SandboxProcess(args=["--workers", "4"], log_path=str(log)) as sandbox:
        yield sandbox.base_url


def by_seed(texts: list[str]):
    return lambda prompt, params, extra: texts[params.random_seed % len(texts)]


def run(coroutine_factory, sandbox_url: str, record: dict, replies, scorer=None):
    """Run a strategy with a scripted model and a client of the real sandbox; (outcome, model, budget)."""
    model = ScriptedModel(replies)

    async def go():
        sandbox = SandboxClient(sandbox_url)
        try:
            ctx, budget = make_context(model, scorer=scorer, sandbox=sandbox, record=record)
            return await coroutine_factory(ctx), budget
        finally:
            await sandbox.aclose()

    outcome, budget = asyncio.run(go())
    return outcome, model, budget


def test_visible_tests_are_what_the_prompt_shows() -> None:
    mbpp = visible_tests(MBPP_LIKE)
    assert mbpp.source == "prompt asserts" and mbpp.tests == ("assert add(1, 2) == 3\n", "assert add(0, 5) == 5\n")
    human = visible_tests(HUMANEVAL_LIKE)
    assert human.source == "docstring examples"
    assert len(human.tests) == 2 and human.tests[0].startswith("assert (add(1, 2)) == (3), ")
    assert human.tests[1].startswith("assert (add('a', 'b')) == (\"ab\"), ")
    assert all("f(-1, 1)" not in test for test in human.tests)  # the grading check is never run
    arrows = visible_tests({**HUMANEVAL_LIKE, "problem": 'def add(a, b):\n    """Example:\n    add(2, 2) ==> 4\n    add(x, 1) -> x+1\n'})
    assert len(arrows.tests) == 1 and arrows.tests[0].startswith("assert (add(2, 2)) == (4)")  # not `add(x, 1)`
    bare = visible_tests({**HUMANEVAL_LIKE, "problem": 'def add(a, b):\n    """Sum of a and b."""\n'})
    assert bare.source == "entry point defined" and bare.tests == ("assert callable(add), 'no function add'\n",)
    with pytest.raises(UserError, match="has no visible tests"):
        visible_tests({"id": "gsm8k-0", "problem": "2+3?"})


@pytest.mark.sandbox
def test_best_of_n_with_the_tests_scorer_keeps_the_program_passing_most_visible_tests(sandbox_url: str) -> None:
    outcome, model, budget = run(lambda ctx: best_of_n(ctx, BestOfNSettings(n=3, scorer="tests")), sandbox_url,
                                 MBPP_LIKE, by_seed([OFF_BY_ONE, NO_CODE, RIGHT]), VisibleTests())
    candidates = outcome.trajectory["candidates"]
    assert [c["score"] for c in candidates] == [0.5, 0.0, 1.0]
    assert [c["visible_tests"] for c in candidates] == ["PF", None, "PP"]
    assert outcome.generation == RIGHT and outcome.trajectory["best"] == 2 and outcome.trajectory["scorer"] == "tests"
    assert budget.requests == 3  # the tests run in the sandbox, not as model requests


@pytest.mark.sandbox
def test_humaneval_raw_completion_is_run_as_the_judge_runs_it(sandbox_url: str) -> None:
    """A base model's completion of the function body is prefixed with the signature, as the judge does."""
    outcome, _, _ = run(lambda ctx: best_of_n(ctx, BestOfNSettings(n=2, scorer="tests")), sandbox_url,
                        HUMANEVAL_LIKE, by_seed(["    return a - b\n", "    return a + b\n"]), VisibleTests())
    assert [c["visible_tests"] for c in outcome.trajectory["candidates"]] == ["FF", "PP"]
    assert outcome.trajectory["best"] == 1


@pytest.mark.sandbox
def test_self_consistency_votes_on_outcome_vectors_not_on_program_text(sandbox_url: str) -> None:
    outcome, _, _ = run(lambda ctx: self_consistency(ctx, SelfConsistencySettings(n=4)), sandbox_url, MBPP_LIKE,
                        by_seed([OFF_BY_ONE, RIGHT, NO_CODE, ALSO_RIGHT]))
    trajectory = outcome.trajectory
    assert [c["visible_tests"] for c in trajectory["candidates"]] == ["PF", "PP", None, "PP"]
    assert (trajectory["majority_answer"], trajectory["majority_votes"]) == ("PP", 2)  # two different texts
    assert outcome.generation == RIGHT  # the first program of the winning group


@pytest.mark.sandbox
def test_revision_on_code_asks_for_a_program_and_votes_over_the_rounds(sandbox_url: str) -> None:
    attempts = iter([OFF_BY_ONE, RIGHT, ALSO_RIGHT])
    outcome, model, _ = run(lambda ctx: revision(ctx, RevisionSettings(rounds=3)), sandbox_url, MBPP_LIKE,
                            lambda prompt, params, extra: next(attempts))
    assert "```python code block" in last_user(model.calls[1][0]) and "boxed" not in last_user(model.calls[1][0])
    assert [r["visible_tests"] for r in outcome.trajectory["rounds"]] == ["PF", "PP", "PP"]
    assert outcome.trajectory["majority_answer"] == "PP" and outcome.generation == ALSO_RIGHT


def test_self_refine_on_code_asks_for_a_program() -> None:
    replies = iter([OFF_BY_ONE, "add(0, 5) is wrong", RIGHT])
    model = ScriptedModel(lambda prompt, params, extra: next(replies))
    ctx, _ = make_context(model, record=MBPP_LIKE)
    outcome = asyncio.run(self_refine(ctx, SelfRefineSettings(rounds=1)))
    assert outcome.generation == RIGHT
    assert last_user(model.calls[2][0]) == SelfRefineSettings().code_refine_prompt


@pytest.mark.sandbox
def test_model_selection_on_code_writes_programs_from_plans_and_votes_on_their_tests(sandbox_url: str) -> None:
    def reply(prompt, params, extra):
        asked = last_user(prompt)
        if asked.startswith("Write a short numbered plan"):
            assert "assert add(1, 2) == 3" in asked  # MBPP's problem carries the tests its prompt shows
            return "1. add them"
        if asked.startswith("Task:"):
            return ALSO_RIGHT
        return RIGHT  # cot: the benchmark prompt

    settings = ModelSelectionSettings(methods=["cot", "plan2code"])
    outcome, model, budget = run(lambda ctx: model_selection(ctx, settings), sandbox_url, MBPP_LIKE, reply)
    trajectory = outcome.trajectory
    assert [(c["method"], c["visible_tests"]) for c in trajectory["candidates"]] == [("cot", "PP"), ("plan2code", "PP")]
    assert trajectory["majority_answer"] == "PP" and trajectory["selection"] is None  # agreement: nobody asked
    assert outcome.generation == RIGHT and budget.requests == 3


def test_strategies_that_cannot_run_say_why() -> None:
    with pytest.raises(UserError, match="method pal answers by printing a result"):
        check_code_support("model_selection", ModelSelectionSettings(), code=True)
    check_code_support("model_selection", ModelSelectionSettings(methods=["cot", "plan2code"]), code=True)
    with pytest.raises(UserError, match="not a code benchmark"):
        check_code_support("best_of_n", BestOfNSettings(scorer="tests"), code=False)
    with pytest.raises(ValidationError, match="a partial program cannot run the visible tests"):
        BeamSearchSettings(scorer="tests")


def test_eval_refuses_before_running_and_starts_a_sandbox_for_code_votes(tmp_path) -> None:
    refused = ns("eval", "--benchmarks=gsm8k:0", "--output_dir", str(tmp_path / "a"), "--dry_run",
                 "--server_address=http://127.0.0.1:9/v1", "++strategy=best_of_n", "++best_of_n.scorer=tests")
    assert refused.returncode != 0 and "++best_of_n.scorer=tests runs a code problem's visible tests" in refused.stderr
    pal = ns("eval", "--benchmarks=mbpp:0", "--output_dir", str(tmp_path / "b"), "--dry_run",
             "--server_address=http://127.0.0.1:9/v1", "++strategy=model_selection")
    assert pal.returncode != 0 and "method pal answers by printing a result" in pal.stderr
    plan = ns("eval", "--benchmarks=humaneval:0", "--output_dir", str(tmp_path / "c"), "--dry_run",
              "--server_address=http://127.0.0.1:9/v1", "++strategy=self_consistency")
    assert plan.returncode == 0, plan.stderr
    assert "  sandbox: max_sessions=" in plan.stdout
    assert "generate [needs sandbox]" in plan.stdout


@pytest.mark.vllm
@pytest.mark.sandbox
def test_best_of_n_with_the_tests_scorer_on_mbpp(tmp_path, vllm_server: str, mirror_dir) -> None:
    """`ns eval --benchmarks=mbpp:0 ++strategy=best_of_n ++best_of_n.scorer=tests`: the plan starts the sandbox for
    the generation (the visible tests) and the grading (the judge); records carry the trajectory and `passed`."""
    import json

    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap (bwrap) is not installed")
    out = tmp_path / "out"
    result = ns("eval", "--benchmarks=mbpp:0", "--output_dir", str(out), "--data_dir", str(tmp_path / "data"),
                "--mirror", str(mirror_dir), "--server_type", "openai", "--server_address", vllm_server,
                "++strategy=best_of_n", "++best_of_n.scorer=tests", "++best_of_n.n=2", "++max_samples=2",
                "++inference.tokens_to_generate=128")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    records = [json.loads(line) for line in (out / "eval-results" / "mbpp" / "output.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == ["mbpp-11", "mbpp-12"]
    for record in records:
        trajectory = record["trajectory"]
        assert record["strategy"] == "best_of_n" and trajectory["scorer"] == "tests" and record["num_requests"] == 2
        for candidate in trajectory["candidates"]:
            vector = candidate["visible_tests"]
            assert vector is None or (len(vector) == 3 and set(vector) <= {"P", "F"})  # MBPP shows 3 asserts
            assert candidate["score"] == (vector.count("P") / 3 if vector else 0.0)
        best = trajectory["candidates"][trajectory["best"]]
        assert best["score"] == max(c["score"] for c in trajectory["candidates"])
        assert record["generation"] == best["generation"]
        assert isinstance(record["passed"], bool) and record["status"] in {"passed", "failed", "timeout", "error",
                                                                          "no_code"}
    assert "mbpp       best_of_n" in result.stdout  # the strategy row, with its accuracy from `passed`

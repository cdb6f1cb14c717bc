"""model_selection and plan2code bookkeeping with a scripted model and a scripted sandbox."""

from __future__ import annotations

import asyncio

from nskit.config.scaling import ModelSelectionSettings, Plan2CodeSettings
from nskit.sandbox.result import ExecutionResult
from nskit.generation.scaling.programs import PLAN_PROMPT, code_of, model_selection, plan2code
from tests.generation.scaling.scripted import ScriptedModel, last_user, make_context


class ScriptedSandbox:
    """Runs nothing: 'prints' the number assigned to `answer` in the code."""

    def __init__(self) -> None:
        self.codes: list[str] = []

    async def execute(self, code, session_id=None, timeout=None):
        self.codes.append(code)
        value = code.split("answer = ")[1].split()[0]
        return ExecutionResult(status="ok", stdout=f"{value}\n", stderr="", wall_time=0.01)


def _model(cot_answer: str, pal_answer: str, plan_answer: str, choice: str = "B"):
    def reply(prompt, params, extra):
        question = last_user(prompt)
        if "Which candidate" in question:
            return choice
        if question.startswith("Write a short numbered plan"):
            return "1. add"
        if question.startswith("Problem:") and "Plan:" in question:
            return f"```python\nanswer = {plan_answer}\nprint(answer)\n```"
        if question.startswith("Write a Python program"):
            return f"```python\nanswer = {pal_answer}\nprint(answer)\n```"
        return f"so \\boxed{{{cot_answer}}}"
    return reply


def _asked(model: ScriptedModel) -> int:
    return sum("Which candidate" in last_user(p) for p, _, _ in model.calls)


def test_selection_is_not_asked_when_methods_agree() -> None:
    model = ScriptedModel(_model("5", "5", "7"))
    sandbox = ScriptedSandbox()
    ctx, budget = make_context(model, sandbox=sandbox)
    outcome = asyncio.run(model_selection(ctx, ModelSelectionSettings()))
    assert outcome.trajectory["majority_answer"] == "5" and outcome.trajectory["majority_votes"] == 2
    assert _asked(model) == 0 and outcome.trajectory["selection"] is None
    assert budget.requests == 4  # cot, pal, plan, code
    assert len(sandbox.codes) == 2


def test_selection_is_asked_on_disagreement() -> None:
    model = ScriptedModel(_model("4", "5", "6", choice="B"))
    ctx, budget = make_context(model, sandbox=ScriptedSandbox())
    outcome = asyncio.run(model_selection(ctx, ModelSelectionSettings()))
    assert _asked(model) == 1
    selection = outcome.trajectory["selection"]
    assert selection["asked"] and selection["options"] == ["4", "5", "6"] and selection["chosen"] == 1
    assert outcome.generation.endswith("\\boxed{5}")
    assert budget.requests == 5


def test_plan2code_one_plan_many_codes_and_each_plan() -> None:
    model = ScriptedModel(_model("0", "0", "8"))
    ctx, budget = make_context(model, sandbox=ScriptedSandbox())
    outcome = asyncio.run(plan2code(ctx, Plan2CodeSettings(n=3, plans="one")))
    plans = sum(last_user(p) == PLAN_PROMPT.format(problem="What is 2+3?") for p, _, _ in model.calls)
    assert plans == 1 and budget.requests == 4
    assert outcome.trajectory["majority_answer"] == "8" and outcome.generation.endswith("\\boxed{8}")
    model2 = ScriptedModel(_model("0", "0", "8"))
    ctx2, budget2 = make_context(model2, sandbox=ScriptedSandbox())
    asyncio.run(plan2code(ctx2, Plan2CodeSettings(n=3, plans="each")))
    assert budget2.requests == 6


def test_code_of_reads_fenced_and_unclosed_blocks() -> None:
    assert code_of("x\n```python\nprint(1)\n```\n") == "print(1)"
    assert code_of("```python\nprint(2)\n") == "print(2)"
    assert code_of("no code") is None

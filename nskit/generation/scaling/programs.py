"""Program-aided strategies: `plan2code` (question -> plan -> code) and `model_selection` (cot, pal, plan2code).

Program methods run the model's Python in the sandbox and take the last line it prints as the answer. The final
`generation` of a program method is its code followed by `\\boxed{answer}`, so the usual grading reads it.
On a code problem (HumanEval, MBPP) the program is the answer: plan2code writes it from the plan, every solution's
answer is its outcome vector on the visible tests (`code.py`), and the judge grades the chosen one; `pal` (a
program that prints an answer) does not apply there.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

from nskit.config.scaling import ModelSelectionSettings, Plan2CodeSettings
from nskit.prompt.render import Prompt
from nskit.records import schema
from nskit.generation.scaling.context import Context, Outcome, answer_of, majority

PAL_PROMPT = ("Write a Python program that solves the problem below and prints only the final answer. "
              "Put the program in one ```python code block.\n\nProblem: {problem}")
PLAN_PROMPT = "Write a short numbered plan (no code, no final answer) for solving this problem:\n\n{problem}"
CODE_FROM_PLAN_PROMPT = ("Problem: {problem}\n\nPlan:\n{plan}\n\nWrite a Python program that follows the plan and "
                         "prints only the final answer. Put the program in one ```python code block.")
TASK_FROM_PLAN_PROMPT = ("Task: {problem}\n\nPlan:\n{plan}\n\nWrite the Python code that solves the task following "
                         "the plan. Put the complete code in one ```python code block.")
SELECT_PROMPT = ("Problem: {problem}\n\nCandidate solutions:\n{candidates}\n\nWhich candidate is correct? "
                 "Answer with its letter only.")
CODE_BLOCK = re.compile(r"```(?:python|py)?\s*\n(.*?)(?:```|$)", re.DOTALL)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class Solution:
    """One method's answer: the text shown to the grader and the selector, and the extracted answer."""

    method: str
    text: str
    answer: str | None
    detail: dict[str, Any]


def _user(text: str) -> Prompt:
    return Prompt(messages=[{"role": "user", "content": text}])


def code_of(text: str) -> str | None:
    """The first fenced Python block of a model answer (an unclosed block runs to the end)."""
    found = CODE_BLOCK.search(text)
    return found.group(1).strip() if found else None


async def run_program(ctx: Context, method: str, text: str, timeout: float, detail: dict[str, Any]) -> Solution:
    """Execute the code in `text` in the sandbox; the last printed line is the answer."""
    code = code_of(text)
    if code is None:
        return Solution(method, text, None, {**detail, "execution": "no code block"})
    result = await ctx.services.sandbox().execute(code, timeout=timeout)
    lines = [line for line in result.stdout.strip().splitlines() if line.strip()]
    printed = lines[-1].strip() if result.ok and lines else None
    answer = answer_of(f"\\boxed{{{printed}}}") if printed else None
    shown = f"```python\n{code}\n```\nOutput: {printed}\n\\boxed{{{printed}}}" if printed else text
    return Solution(method, shown, answer, {**detail, "code": code, "status": result.status,
                                            "stdout": result.stdout[-500:], "stderr": result.stderr[-500:]})


async def cot(ctx: Context, index: int, temperature: float | None, extraction: str) -> Solution:
    """Chain of thought: the benchmark's own prompt."""
    completion = await ctx.model.generate(ctx.prompt(), ctx.params(temperature=temperature, index=index))
    return Solution("cot", completion.text, await ctx.vote_key(completion.text, extraction),
                    {schema.GENERATION: completion.text})


async def pal(ctx: Context, index: int, temperature: float | None, timeout: float) -> Solution:
    """Program-aided: one program, run in the sandbox."""
    completion = await ctx.model.generate(_user(PAL_PROMPT.format(problem=ctx.problem())),
                                          ctx.params(temperature=temperature, index=index))
    return await run_program(ctx, "pal", completion.text, timeout, {schema.GENERATION: completion.text})


async def make_plan(ctx: Context, index: int, temperature: float | None) -> str:
    """A plan in words for the problem."""
    return (await ctx.model.generate(_user(PLAN_PROMPT.format(problem=ctx.problem())),
                                     ctx.params(temperature=temperature, index=index))).text


async def code_from_plan(ctx: Context, plan: str, index: int, temperature: float | None, timeout: float) -> Solution:
    """A program following `plan`, run in the sandbox (code problems: the task's code, run on the visible tests)."""
    template = TASK_FROM_PLAN_PROMPT if ctx.code else CODE_FROM_PLAN_PROMPT
    completion = await ctx.model.generate(_user(template.format(problem=ctx.problem(), plan=plan)),
                                          ctx.params(temperature=temperature, index=index))
    if ctx.code:
        return Solution("plan2code", completion.text, await ctx.visible_outcomes(completion.text),
                        {"plan": plan, schema.GENERATION: completion.text})
    return await run_program(ctx, "plan2code", completion.text, timeout, {"plan": plan, schema.GENERATION: completion.text})


async def plan2code_solutions(ctx: Context, n: int, plans: str, temperature: float | None,
                              timeout: float, offset: int = 0) -> list[Solution]:
    """n programs: from one plan (`plans="one"`) or each from its own plan (`plans="each"`)."""
    count = n if plans == "each" else 1
    made = await asyncio.gather(*(make_plan(ctx, offset + i, temperature) for i in range(count)))
    return list(await asyncio.gather(*(
        code_from_plan(ctx, made[i if plans == "each" else 0], offset + i, temperature, timeout) for i in range(n)
    )))


async def plan2code(ctx: Context, settings: Plan2CodeSettings) -> Outcome:
    """Plan, then code; with n > 1 the majority of the programs' answers."""
    temperature = settings.temperature if settings.n > 1 else None
    solutions = await plan2code_solutions(ctx, settings.n, settings.plans, temperature, settings.code_timeout)
    winner, votes = majority([s.answer for s in solutions])
    chosen = next((s for s in solutions if s.answer == winner), solutions[0])
    trajectory = {schema.CANDIDATES: [{ctx.answer_field: s.answer, **s.detail} for s in solutions],
                  "majority_answer": winner, "majority_votes": votes}
    return Outcome(chosen.text, trajectory)


async def select(ctx: Context, options: list[Solution]) -> tuple[int, str, bool]:
    """Ask the model which of `options` is correct: (index, its reply, whether the reply named a candidate)."""
    label = "Visible tests (P passed, F failed)" if ctx.code else "Answer"
    shown = "\n".join(f"({LETTERS[i]}) [{s.method}] {s.text[-600:]}\n{label}: {s.answer}" for i, s in enumerate(options))
    reply = (await ctx.model.generate(_user(SELECT_PROMPT.format(problem=ctx.problem(), candidates=shown)),
                                      ctx.params(temperature=0.0, tokens_to_generate=8))).text
    found = re.search(r"\b([A-Z])\b", reply.upper())
    if found and LETTERS.index(found.group(1)) < len(options):
        return LETTERS.index(found.group(1)), reply, True
    return 0, reply, False


async def model_selection(ctx: Context, settings: ModelSelectionSettings) -> Outcome:
    """Every method answers n times; the answer held by more than half the solutions wins, else the model picks."""
    temperature = settings.temperature if settings.n > 1 else None
    work = []
    for m, method in enumerate(settings.methods):
        for i in range(settings.n):
            index = m * 100 + i
            if method == "cot":
                work.append(cot(ctx, index, temperature, settings.extraction))
            elif method == "pal":
                work.append(pal(ctx, index, temperature, settings.code_timeout))
    solutions: list[Solution] = list(await asyncio.gather(*work))
    if "plan2code" in settings.methods:
        solutions += await plan2code_solutions(ctx, settings.n, "each", temperature, settings.code_timeout, offset=200)
    winner, votes = majority([s.answer for s in solutions])
    trajectory: dict[str, Any] = {
        schema.CANDIDATES: [{"method": s.method, ctx.answer_field: s.answer, **s.detail} for s in solutions],
        "majority_answer": winner, "majority_votes": votes, "selection": None,
    }
    if winner is not None and votes * 2 > len(solutions):
        return Outcome(next(s for s in solutions if s.answer == winner).text, trajectory)
    distinct = list({s.answer: s for s in solutions if s.answer is not None}.values()) or solutions[:1]
    if len(distinct) == 1:
        trajectory["selection"] = {"asked": False, "reason": "one distinct answer"}
        return Outcome(distinct[0].text, trajectory)
    chosen, reply, parsed = await select(ctx, distinct)
    trajectory["selection"] = {"asked": True, "options": [s.answer for s in distinct], "reply": reply,
                               "chosen": chosen, "parsed": parsed}
    return Outcome(distinct[chosen].text, trajectory)

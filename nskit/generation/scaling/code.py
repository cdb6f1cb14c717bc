"""Code problems (HumanEval, MBPP) in the scaling strategies: the problem's *visible* tests, each candidate's outcome
on them, and which strategies can run on code at all.

Visible tests are the examples the prompt itself shows the model, never the grading tests that only the judge runs:
- MBPP: the asserts of `tests_shown`, one test each (after the fixtures of `test_setup_code`, which defines no
  test; one task has it). The MBPP prompt (the paper's 3-shot prompt) shows the model
  these very asserts, the benchmark's `test_list`, which are also what grades it: MBPP has no hidden tests. The
  scorer uses nothing the model was not given; but a candidate that passes all of them passes the grading too, so
  on MBPP `tests` selection is close to an oracle of the visible spec (docs/strategies.md says so).
- HumanEval: the examples of the docstring in the prompt: `>>>` doctest examples (checked as doctest checks them),
  and lines `entry_point(args) <arrow or => value` whose call and value are Python (`assert call == value`). The
  grading `check` function (hidden tests) is never run. A problem whose docstring has no such example (37 of 164)
  gets one test: the program defines `entry_point` as a callable.

A candidate's outcome vector is one letter per visible test, `P` (passed in the execution judge) or `F`; it is the
key strategies vote on for code (programs that behave alike on the visible tests vote together), None when the
candidate holds no code.
"""

from __future__ import annotations

import ast
import asyncio
import doctest
import re
from dataclasses import dataclass
from typing import Any

from nskit.errors import UserError
from nskit.generation.errors import RequestFailed
from nskit.grading.code import extract_code

TEST_TIMEOUT = 10.0
"""Seconds per visible test run (the judge's default limit)."""
ARROWS = r"==>|=>|->|➞|→|==|="
DOCSTRING_END = re.compile(r"^\s*(\"\"\"|\'\'\')\s*$", re.MULTILINE)


@dataclass(frozen=True)
class VisibleTests:
    """A problem's visible tests: programs appended to a candidate, each passing when it ends without exception."""

    source: str
    """Where they come from: `prompt asserts`, `docstring examples` or `entry point defined`."""
    tests: tuple[str, ...]


def is_code_problem(record: dict[str, Any]) -> bool:
    """Whether a record is a code problem graded by the execution judge (it carries `test_code`)."""
    return "test_code" in record


def visible_tests(record: dict[str, Any]) -> VisibleTests:
    """The visible tests of a code record (see the module docstring); a UserError for any other record."""
    shown = record.get("tests_shown")
    if isinstance(shown, str) and shown.strip():
        # the fixtures the asserts need (MBPP's test_setup_code, one task) come before them in test_code
        full = str(record.get("test_code") or "").rstrip()
        setup = full[: -len(shown.strip())] if full.endswith(shown.strip()) else ""
        return VisibleTests("prompt asserts", tuple(setup + line.strip() + "\n"
                                                    for line in shown.splitlines() if line.strip()))
    entry = record.get("entry_point")
    if isinstance(entry, str) and entry:
        examples = docstring_tests(str(record.get("problem") or ""), entry)
        if examples:
            return VisibleTests("docstring examples", examples)
        return VisibleTests("entry point defined", (f"assert callable({entry}), 'no function {entry}'\n",))
    raise UserError(f"record {record.get('id')!r} has no visible tests (neither MBPP's tests_shown nor HumanEval's "
                    "entry_point): the `tests` scorer and votes on test outcomes need a code benchmark's record")


def docstring_tests(prompt: str, entry: str) -> tuple[str, ...]:
    """HumanEval docstring examples as test programs, each on its own: `>>>` examples, else `entry(args) -> value`
    lines (arguments and value Python literals). An example is checked by value when its expected output is a
    Python literal (`"21"` and `'21'` are one string), else by its repr, as doctest compares; an example without
    output is a condition (`f(x) == y`) or a call that returns None."""
    tests = []
    for example in doctest.DocTestParser().get_examples(prompt):
        source, want = _expression(example.source), DOCSTRING_END.sub("", example.want).strip()
        if source is not None:
            tests.append(_example_test(source, want))
    if tests:
        return tuple(tests)
    line = re.compile(rf"^\s*({re.escape(entry)}\(.*\))\s*(?:{ARROWS})\s*(.+?)\s*$", re.MULTILINE)
    for call, value in line.findall(prompt):
        value = value.rstrip(".").strip()
        if _literal_call(call) and _literal(value):
            tests.append(_example_test(ast.unparse(ast.parse(call, mode="eval")), value))
    return tuple(tests)


def _example_test(source: str, want: str) -> str:
    label = f"visible example {source[:200]!r}"
    if not want:
        compared = isinstance(ast.parse(source, mode="eval").body, ast.Compare)
        return f"assert ({source}){'' if compared else ' is None'}, {label!r}\n"
    if _literal(want):
        return f"assert ({source}) == ({want}), {label!r}\n"
    return f"assert repr({source}) == {want!r}, {label!r}\n"


def _expression(source: str) -> str | None:
    """The example's source as one canonical expression (comments dropped), None for a statement."""
    try:
        return ast.unparse(ast.parse(source.strip(), mode="eval"))
    except SyntaxError:
        return None


def _literal(text: str) -> bool:
    try:
        ast.literal_eval(text)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return False
    return True


def _literal_call(call: str) -> bool:
    """`name(literal, ...)`: not prose such as `is_happy(a)` or `f(x) -> 19 - 5 - 6 = 8`."""
    try:
        tree = ast.parse(call, mode="eval").body
    except SyntaxError:
        return False
    return isinstance(tree, ast.Call) and all(_literal(ast.unparse(arg)) for arg in tree.args) and not tree.keywords


async def outcome_vector(sandbox: Any, record: dict[str, Any], text: str, timeout: float = TEST_TIMEOUT) -> str | None:
    """`P`/`F` per visible test for the program in `text` (extracted as the judge extracts it); None: no code."""
    from nskit.sandbox import SandboxError

    code = extract_code(text, record.get("completion_prefix"))
    if code is None:
        return None
    tests = visible_tests(record).tests
    try:
        verdicts = await asyncio.gather(*(sandbox.run_tests(code, test, timeout=timeout) for test in tests))
    except SandboxError as exc:
        raise RequestFailed("sandbox", f"the visible tests could not run: {exc}", 1, transient=False) from exc
    return "".join("P" if verdict.passed else "F" for verdict in verdicts)


def pass_fraction(vector: str | None) -> float:
    """The share of visible tests passed (0 without code)."""
    return vector.count("P") / len(vector) if vector else 0.0


UNSUPPORTED_ON_CODE = {
    ("model_selection", "pal"): "method pal answers by printing a result, but a code problem's answer is the "
                                "program itself: use methods cot and plan2code",
}
"""(strategy, what) -> why it cannot run on a code problem."""


def check_code_support(strategy: str, settings: Any, code: bool) -> None:
    """A UserError naming why `strategy` with these settings cannot run on this kind of problem."""
    scorer = getattr(settings, "scorer", None)
    if scorer == "tests" and not code:
        raise UserError(f"++{strategy}.scorer=tests runs a code problem's visible tests; this benchmark is not a "
                        "code benchmark (use confidence, self_verify or reward_model)")
    if code and strategy == "model_selection" and "pal" in settings.methods:
        raise UserError(f"++strategy=model_selection on a code benchmark: {UNSUPPORTED_ON_CODE[(strategy, 'pal')]} "
                        "(\"++model_selection.methods=[cot,plan2code]\")")

"""The text side of tool-integrated reasoning: markers, finding the block to run, rendering outputs; the plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from nskit.config.generation import CodeExecutionConfig, GenerationConfig
from nskit.config.overrides import OverrideError, build_config, parse_overrides
from nskit.config.settings import generation_settings
from nskit.generation.code_format import (
    CODE_TAG_PRESETS,
    code_tags,
    cut_middle,
    find_pending_code,
    has_final_answer,
    output_block,
    output_text,
)
from nskit.generation.command import CODE_EXECUTION_PROMPT, chunk_config
from nskit.generation.strategies import select_strategy
from nskit.pipeline.plan import SandboxRequest, sandbox_address_arg
from nskit.prompt.render import load_prompt_config
from nskit.sandbox import ExecutionResult

MD = CODE_TAG_PRESETS["markdown"]
LLM = CODE_TAG_PRESETS["llm-code"]


def test_stop_string_swallowed_by_the_server_is_re_appended() -> None:
    turn = "Let me compute.\n```python\nx = 6 * 7\nprint(x)\n"
    pending = find_pending_code(turn, MD, stopped_at_code_end=True)
    assert pending is not None
    assert pending.code == "x = 6 * 7\nprint(x)\n"
    assert pending.closed_text == turn + "```\n"
    assert pending.start == len("Let me compute.\n")


def test_closed_fence_at_end_of_sequence_counts_without_a_stop_string() -> None:
    turn = "```python\nprint(3)\n```"
    pending = find_pending_code(turn, MD, stopped_at_code_end=False)
    assert pending is not None and pending.code == "print(3)\n"
    assert pending.closed_text == "```python\nprint(3)\n```\n"


def test_no_code_or_code_already_closed_earlier_is_not_pending() -> None:
    assert find_pending_code("The answer is \\boxed{4}.", MD, stopped_at_code_end=True) is None
    # A closed block followed by prose: the turn did not end in code.
    assert find_pending_code("```python\nprint(1)\n```\nSo it is 1.", MD, stopped_at_code_end=False) is None
    # Stopped for another reason (length, EOS) inside an unfinished block: nothing to run.
    assert find_pending_code("```python\nprint(1", MD, stopped_at_code_end=False) is None


def test_llm_code_tags() -> None:
    turn = "We compute.\n<llm-code>\nprint(2 + 2)\n"
    pending = find_pending_code(turn, LLM, stopped_at_code_end=True)
    assert pending is not None and pending.code == "print(2 + 2)\n"
    assert pending.closed_text.endswith("</llm-code>\n")
    assert output_block("4\n", LLM) == "<llm-code-output>\n4\n</llm-code-output>\n"


def test_explicit_markers_override_the_preset() -> None:
    tags = code_tags(CodeExecutionConfig(tags="llm-code", end="</code>\n"))
    assert tags.code_begin == "<llm-code>\n" and tags.code_end == "</code>\n"
    assert tags.output_begin == "<llm-code-output>\n"
    for spelling in ("++code_tags=xml", "++code.tags=xml"):
        with pytest.raises(OverrideError, match="bad value for \\+\\+code.tags: .*'markdown' or 'llm-code'"):
            build_config(GenerationConfig, parse_overrides([spelling]))


def test_final_answer_detection() -> None:
    assert has_final_answer("so \\boxed{12}")
    assert has_final_answer("$\\boxed {x}$")
    assert not has_final_answer("no box here, boxed{} without backslash")


def test_cut_middle_keeps_both_ends_and_says_how_much_went() -> None:
    text = "A" * 600 + "B" * 600
    cut, was_cut = cut_middle(text, 100)
    assert was_cut and cut.startswith("A" * 50) and cut.endswith("B" * 50)
    assert "[1100 characters cut]" in cut
    assert cut_middle("short", 100) == ("short", False)


def result(status: str, stdout: str = "", stderr: str = "", error: str = "") -> ExecutionResult:
    return ExecutionResult(status=status, stdout=stdout, stderr=stderr, wall_time=0.1, error=error)  # type: ignore[arg-type]


def test_output_text_qwen_format() -> None:
    assert output_text(result("ok", "42\n"), "qwen") == "42\n"
    trace = "Traceback (most recent call last):\n  File \"<cell>\", line 1\nZeroDivisionError: division by zero\n"
    shown = output_text(result("error", "partial\n", trace, "ZeroDivisionError: division by zero"), "qwen")
    assert shown == "partial\n" + trace  # the error line is already in the trimmed traceback: no note
    timed_out = output_text(result("timeout", "1\n2\n", "", "wall time limit of 10 s exceeded"), "qwen")
    assert timed_out == "1\n2\nExecution timed out: wall time limit of 10 s exceeded"


def test_output_text_llama_format() -> None:
    shown = output_text(result("error", "a\n", "Boom: x\n", "Boom: x"), "llama")
    assert shown == "status: error\n[stdout]\na\n[/stdout]\n[stderr]\nBoom: x\n[/stderr]"


def test_output_block_terminates_the_text() -> None:
    assert output_block("42", MD) == "```output\n42\n```\n"
    assert output_block("", MD) == "```output\n```\n"


def test_code_execution_selects_the_strategy_and_the_tir_prompt() -> None:
    assert select_strategy(GenerationConfig()).name == "default"
    assert select_strategy(GenerationConfig(code=CodeExecutionConfig(enabled=True))).name == "code_execution"
    on = generation_settings(["++code_execution=true"])
    assert chunk_config(on, None, "generic/math").prompt_config == CODE_EXECUTION_PROMPT
    assert chunk_config(generation_settings(), None, "generic/math").prompt_config == "generic/math"
    chosen = generation_settings(["++code_execution=true", "++prompt_config=tir/tora"])
    assert chunk_config(chosen, 3, "generic/math").prompt_config == "tir/tora"


@pytest.mark.parametrize("name", ["tir/math", "tir/tora"])
def test_tir_prompts_show_code_and_output_blocks(name: str) -> None:
    config = load_prompt_config(name)
    assert len(config.few_shot_examples) >= 2
    text = config.render({"problem": "What is 2+2?"})[-1]["content"]
    examples = len(config.few_shot_examples)
    assert text.count(MD.code_begin) == examples  # the instruction names the markers without a newline after them
    assert text.count(MD.output_begin) == examples
    assert text.count("\\boxed{") == examples + 1  # each example's answer + the instruction
    assert text.endswith(("```python):", "```python block):"))
    assert "What is 2+2?" in text


def test_sandbox_request_spells_its_flags_once_for_ns_sandbox() -> None:
    request = SandboxRequest(max_sessions=32, workers=4)
    assert request.ns_argv(6000) == ["sandbox", "--port", "6000", "--max_sessions", "32", "--workers", "4"]
    assert request.service_args() == ["--max_sessions", "32", "--workers", "4"]
    assert sandbox_address_arg("http://127.0.0.1:6000") == "++sandbox_address=http://127.0.0.1:6000"


def test_eval_plan_declares_a_sandbox_only_with_code_execution(tmp_path: Path) -> None:
    from nskit.config.cluster import load_cluster_config
    from nskit.pipeline.eval_plan import (
        MAX_SANDBOX_SESSIONS,
        EvalRequest,
        build_eval_plan,
    )

    def plan(*overrides: str):
        return build_eval_plan(EvalRequest(
            benchmarks=[("gsm8k", 0)], output_dir=tmp_path, cluster=load_cluster_config("local", None),
            server_type="openai", server_address="http://127.0.0.1:9/v1", settings=generation_settings(overrides),
        ))

    plain = plan()
    assert plain.sandbox is None and not any(step.needs_sandbox for step in plain.steps)
    tir = plan("++code_execution=true", "++max_concurrent_requests=16")
    assert tir.sandbox == SandboxRequest(max_sessions=16)
    assert [s.name for s in tir.steps if s.needs_sandbox] == ["generate"]
    assert "sandbox: max_sessions=16" in tir.describe() and "[needs sandbox]" in tir.describe()
    assert plan("++code_execution=true").sandbox == SandboxRequest(max_sessions=MAX_SANDBOX_SESSIONS)
    # A sandbox the user already runs: none is started.
    given = plan("++code_execution=true", "++sandbox_address=http://127.0.0.1:6000")
    assert given.sandbox is None and not any(step.needs_sandbox for step in given.steps)

"""Prompt configs render chat messages; templates render raw completion text."""

from __future__ import annotations

import pytest

from nskit.prompt.render import build_prompt, load_prompt_config, load_prompt_template


def test_math_prompt_and_fewshot() -> None:
    config = load_prompt_config("generic/math")
    messages = config.render({"problem": "1+1?"})
    assert messages == [{"role": "user", "content": messages[0]["content"]}]
    assert messages[0]["content"].endswith("\\boxed{}.\n\n1+1?")
    fewshot = load_prompt_config("generic/math-fewshot").render({"problem": "2+2?"})[0]["content"]
    assert fewshot.count("Problem:") == 3 and "\\boxed{72}" in fewshot and fewshot.endswith("Solution:")


def test_missing_field_is_named() -> None:
    with pytest.raises(KeyError, match="problem"):
        load_prompt_config("generic/math").render({"question": "?"})


@pytest.mark.parametrize("name", ["chatml", "qwen", "llama3-instruct", "gemma", "mistral", "deepseek"])
def test_templates_render(name: str) -> None:
    template = load_prompt_template(name)
    prompt = build_prompt({"problem": "P"}, load_prompt_config("generic/math"), template, system_message="SYS")
    assert prompt.text is not None and prompt.text.endswith(template.assistant_begin)
    assert "SYS" in prompt.text and "P" in prompt.text
    assert prompt.stop_phrases


def test_chatml_exact() -> None:
    prompt = build_prompt({"problem": "P"}, load_prompt_config("generic/math"), load_prompt_template("chatml"))
    assert prompt.text.startswith("<|im_start|>user\nSolve") and prompt.text.endswith("P<|im_end|>\n<|im_start|>assistant\n")


def test_unknown_template_lists_known() -> None:
    with pytest.raises(FileNotFoundError, match="chatml"):
        load_prompt_template("chatm")

"""`++key=value` parsing: typed values, nesting, and misspelt keys that list the valid ones."""

from __future__ import annotations

import pytest

from nskit.config.generation import GenerationConfig
from nskit.config.overrides import OverrideError, build_config, parse_overrides


def test_values_are_typed_and_nested() -> None:
    tree = parse_overrides(["++inference.temperature=0.6", "++max_samples=5", "++inference.stop_phrases=[a, b]",
                            "++prompt_template=chatml", "++code_execution=true", "++max_samples=7"])
    assert tree == {"inference": {"temperature": 0.6, "stop_phrases": ["a", "b"]}, "max_samples": 7,
                    "prompt_template": "chatml", "code_execution": True}
    config = build_config(GenerationConfig, tree)
    assert config.inference.temperature == 0.6 and config.max_samples == 7


def test_misspelt_key_lists_valid_keys() -> None:
    with pytest.raises(OverrideError) as info:
        build_config(GenerationConfig, parse_overrides(["++inference.temprature=0.6"]))
    message = str(info.value)
    assert "unknown setting ++inference.temprature" in message
    assert "++inference.temperature" in message and "++max_samples" in message


def test_bad_value_and_malformed_argument() -> None:
    with pytest.raises(OverrideError, match="bad value for \\+\\+inference.tokens_to_generate"):
        build_config(GenerationConfig, parse_overrides(["++inference.tokens_to_generate=lots"]))
    with pytest.raises(OverrideError, match="settings are passed as \\+\\+key=value"):
        parse_overrides(["max_samples=3"])
    with pytest.raises(OverrideError, match="malformed override key"):
        parse_overrides(["++inference..top_p=1"])

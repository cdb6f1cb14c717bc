"""`++strategy=NAME` and `++NAME.key=value`: typed, validated, misspelt keys list the valid ones."""

from __future__ import annotations

import pytest

from nskit.config.generation import GenerationConfig, record_settings
from nskit.config.overrides import OverrideError, build_config, parse_overrides
from nskit.config.scaling import SCALING_SETTINGS
from nskit.generation.scaling import SCALING_STRATEGIES


def test_every_strategy_has_settings_and_a_function() -> None:
    assert set(SCALING_SETTINGS) == set(SCALING_STRATEGIES)


def test_strategy_settings_are_typed() -> None:
    config = build_config(GenerationConfig, parse_overrides(["++strategy=best_of_n", "++best_of_n.n=8",
                                                             "++best_of_n.scorer=self_verify"]))
    assert config.best_of_n.n == 8 and config.best_of_n.scorer == "self_verify"


def test_misspelt_key_lists_the_valid_ones() -> None:
    with pytest.raises(OverrideError) as info:
        build_config(GenerationConfig, parse_overrides(["++strategy=best_of_n", "++best_of_n.nn=8"]))
    assert "unknown setting ++best_of_n.nn" in str(info.value)
    assert "++best_of_n.n," in str(info.value) and "++best_of_n.scorer" in str(info.value)


def test_unknown_strategy_and_scorer_are_refused() -> None:
    with pytest.raises(OverrideError, match="unknown strategy 'best_of_m'; known: best_of_n"):
        build_config(GenerationConfig, parse_overrides(["++strategy=best_of_m"]))
    with pytest.raises(OverrideError, match="best_of_n.scorer"):
        build_config(GenerationConfig, parse_overrides(["++best_of_n.scorer=vibes"]))


def test_only_the_chosen_strategy_enters_the_fingerprint() -> None:
    plain = record_settings(GenerationConfig())
    assert "strategy" not in plain and "best_of_n" not in plain and "problem_ids" not in plain
    chosen = record_settings(build_config(GenerationConfig, parse_overrides(["++strategy=revision"])))
    assert chosen["strategy"] == "revision" and "revision" in chosen and "best_of_n" not in chosen

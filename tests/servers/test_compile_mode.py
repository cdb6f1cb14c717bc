"""Eager or compiled vLLM by the run's token budget."""

from __future__ import annotations

from nskit.servers.compile_mode import eager_or_compiled, run_token_budget

ARGS = ["--enforce-eager", "--max-model-len", "4096"]


def test_budget_is_unknown_when_a_file_size_is() -> None:
    assert run_token_budget([20, 20, 10], 100) == 5000
    assert run_token_budget([20, None], 100) is None


def test_compiled_only_above_the_threshold() -> None:
    assert eager_or_compiled(ARGS, 100_000, 120_000) == ARGS
    assert eager_or_compiled(ARGS, 200_000, 120_000) == ["--max-model-len", "4096"]
    assert eager_or_compiled(ARGS, None, 120_000) == ARGS  # unknown size: as configured
    assert eager_or_compiled(ARGS, 10**9, None) == ARGS  # no threshold: as configured

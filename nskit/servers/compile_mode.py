"""Eager or compiled vLLM, by the size of the run: compiling costs start-up time that only a long run earns back.

Measured here (reference/measured-here.md): the embedded model is healthy in ~37 s eager and ~115 s compiled, and
generates 276 vs 335 tok/s at 32 in flight. The extra ~78 s pays for itself after 78 / (1/276 - 1/335) ≈ 120k
generated tokens, the default `compile_above_tokens` of cluster_configs/local.yaml.
"""

from __future__ import annotations

from collections.abc import Sequence

EAGER_FLAG = "--enforce-eager"


def run_token_budget(problems: Sequence[int | None], tokens_to_generate: int) -> int | None:
    """At most how many tokens a run generates: problems of each output file x tokens_to_generate; None when a
    file's problem count is unknown."""
    if any(count is None for count in problems):
        return None
    return sum(count for count in problems if count is not None) * tokens_to_generate


def eager_or_compiled(args: Sequence[str], budget: int | None, compile_above_tokens: int | None) -> list[str]:
    """The server flags with `--enforce-eager` dropped when the run is big enough to earn the compile back.

    Kept as configured when no threshold is set or the run's size is unknown.
    """
    if compile_above_tokens is None or budget is None or budget <= compile_above_tokens:
        return list(args)
    return [arg for arg in args if arg != EAGER_FLAG]

"""Test-time scaling strategies (`++strategy=NAME`): best-of-N, self-consistency, self-refine, revision, beam search,
model selection and plan-to-code, with scorers and per-problem compute accounting (docs/strategies.md)."""

from nskit.generation.scaling.registry import SCALING_STRATEGIES, open_scaling

__all__ = ["SCALING_STRATEGIES", "open_scaling"]

"""Token prices of known judge models (USD per 1M tokens, list prices mid-2025) and the run's cost estimate."""

from __future__ import annotations

import re

PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4-turbo": (10.00, 30.00),
    "o3": (2.00, 8.00),
    "o3-mini": (1.10, 4.40),
    "o4-mini": (1.10, 4.40),
}
"""(input, output) price per 1M tokens; `--input_price/--output_price` override or cover other models."""

_SNAPSHOT = re.compile(r"-\d{4}-\d{2}-\d{2}$")


def price_for(model: str) -> tuple[float, float] | None:
    """Prices of a known model name, dated snapshots included (`gpt-4o-2024-08-06`); None when unknown."""
    name = _SNAPSHOT.sub("", model.rsplit("/", 1)[-1].lower())
    return PRICES_PER_MILLION.get(name)


def cost_line(
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    input_price: float | None = None,
    output_price: float | None = None,
) -> str:
    """`tokens: ... in, ... out; cost ≈ $X` (or `cost unknown` without a price for both directions)."""
    known = price_for(model)
    prices = (
        input_price if input_price is not None else known[0] if known else None,
        output_price if output_price is not None else known[1] if known else None,
    )
    tokens = f"tokens: {prompt_tokens:,} in, {completion_tokens:,} out"
    if prices[0] is None or prices[1] is None:
        return f"{tokens}; cost unknown for {model!r} (give --input_price and --output_price per 1M tokens)"
    cost = (prompt_tokens * prices[0] + completion_tokens * prices[1]) / 1e6
    shown = f"{cost:,.2f}" if cost >= 1 else f"{cost:.6f}"
    return f"{tokens}; cost ≈ ${shown} (at ${prices[0]:g} / ${prices[1]:g} per 1M tokens)"

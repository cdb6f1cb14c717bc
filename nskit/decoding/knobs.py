"""The decoding knobs: names, value checks and how they travel in a request's `vllm_xargs`.

Pure Python (no torch, no vLLM): the settings validate knob values here, the client encodes them here, and the
vLLM logits processor decodes and re-checks them here, so a value means the same on both sides. Formulas:
`docs/decoding.md`; the tensor code is `nskit.decoding.truncation`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

XARGS_PREFIX = "nskit_"
"""Every knob travels as `vllm_xargs["nskit_<name>"]`; other processors' keys are left alone."""

PROBE_KEY = "nskit_probe"
"""A request carrying this key is refused (HTTP 400) by a server that loads the processors: how a client checks."""

PROBE_ANSWER = "nskit decoding processors are loaded"


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def _probability(low_open: bool = False, high_open: bool = False) -> Callable[[Any, str], float]:
    def check(value: Any, name: str) -> float:
        number = _number(value, name)
        too_low = number <= 0 if low_open else number < 0
        too_high = number >= 1 if high_open else number > 1
        if too_low or too_high:
            bounds = f"{'(' if low_open else '['}0, 1{')' if high_open else ']'}"
            raise ValueError(f"{name} must be in {bounds}, got {value!r}")
        return number

    return check


def _dynamic_top_k(value: Any, name: str) -> tuple[int, ...]:
    if not isinstance(value, (list, tuple)) or len(value) != 10:
        raise ValueError(f"{name} must be a list of ten integers (k per tenth of the top-1 probability), got {value!r}")
    if any(isinstance(k, bool) or not isinstance(k, int) or k < 1 for k in value):
        raise ValueError(f"{name} must hold integers >= 1, got {value!r}")
    return tuple(value)


def _triple(names: tuple[str, str, str]) -> Callable[[Any, str], tuple[float, float, float]]:
    def check(value: Any, name: str) -> tuple[float, float, float]:
        if not isinstance(value, (list, tuple)) or len(value) != 3:
            raise ValueError(f"{name} must be a list of three numbers [{', '.join(names)}], got {value!r}")
        return tuple(_number(v, f"{name}.{n}") for v, n in zip(value, names))  # type: ignore[return-value]

    return check


def _edt(value: Any, name: str) -> tuple[float, float, float]:
    n, theta, t0 = _triple(("N", "theta", "T0"))(value, name)
    if n <= 0 or t0 <= 0:
        raise ValueError(f"{name}: N and T0 must be > 0, got {value!r}")
    return n, theta, t0


def _calibrated(value: Any, name: str) -> tuple[float, float, float]:
    a, b, threshold = _triple(("A", "B", "threshold"))(value, name)
    if threshold <= 0:
        raise ValueError(f"{name}: threshold must be > 0, got {value!r}")
    return a, b, threshold


def _confidence_bin(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise ValueError(f"{name} must be an integer bin 1..10, got {value!r}")
    return value


@dataclass(frozen=True)
class Knob:
    """One decoding knob: its setting name, its value check, and the formula it applies (for docs and errors)."""

    name: str
    check: Callable[[Any, str], Any]
    formula: str


KNOBS: dict[str, Knob] = {
    knob.name: knob
    for knob in (
        Knob("greedy_threshold", _probability(), "top-1 only when p_top >= g, else the full distribution"),
        Knob("epsilon", _probability(high_open=True), "keep tokens with p >= epsilon (top-1 always kept)"),
        Knob("hewitt_epsilon", _probability(low_open=True, high_open=True),
             "eta sampling: keep p >= min(eta, sqrt(eta) * exp(-H)) (top-1 always kept)"),
        Knob("dynamic_top_k", _dynamic_top_k, "keep the k[b] most probable tokens, b = tenth of p_top (1..10)"),
        Knob("edt", _edt, "sample at T = T0 * N^(theta / H) instead of the request's temperature"),
        Knob("confidence_bin", _confidence_bin, "sample only when p_top is in tenth b (1..10), top-1 elsewhere"),
        Knob("calibrated", _calibrated, "keep tokens with exp(A) * p^B >= threshold (top-1 always kept)"),
    )
}
"""Every knob by name; the settings (`++inference.<name>`), the client and the processor all read this table."""

NEEDS_SAMPLING = {"edt", "confidence_bin"}
"""Knobs that only mean something when the request samples (temperature > 0)."""


def check_knob(name: str, value: Any) -> Any:
    """The normalised value of knob `name` (None stays None); ValueError naming the knob when it is invalid."""
    if value is None:
        return None
    return KNOBS[name].check(value, name)


def to_xargs(values: Mapping[str, Any]) -> dict[str, Any]:
    """The `vllm_xargs` entries for the knobs that are set (lists stay lists: JSON has no tuples)."""
    return {
        XARGS_PREFIX + name: list(value) if isinstance(value, tuple) else value
        for name, value in values.items()
        if value is not None
    }


def from_xargs(extra_args: Mapping[str, Any] | None, temperature: float | None = None) -> dict[str, Any]:
    """The knobs a request asks for, checked; an unknown `nskit_*` key or a bad value raises ValueError.

    `temperature` is the request's: knobs that only act on sampling are refused for greedy requests.
    """
    knobs: dict[str, Any] = {}
    for key, value in (extra_args or {}).items():
        if not key.startswith(XARGS_PREFIX):
            continue
        if key == PROBE_KEY:
            raise ValueError(PROBE_ANSWER)
        name = key[len(XARGS_PREFIX):]
        if name not in KNOBS:
            raise ValueError(f"unknown decoding knob {key!r}; known: {', '.join(XARGS_PREFIX + k for k in KNOBS)}")
        knobs[name] = check_knob(name, value)
    if temperature is not None and temperature <= 0:
        greedy_only = sorted(NEEDS_SAMPLING & set(knobs))
        if greedy_only:
            raise ValueError(f"{', '.join(greedy_only)} need(s) temperature > 0 (the request is greedy)")
    return knobs

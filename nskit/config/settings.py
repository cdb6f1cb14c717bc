"""`++key=value` overrides validated once into typed settings, and written back as overrides for a step's argv."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from nskit.config.generation import GenerationConfig
from nskit.config.overrides import build_config, parse_overrides, parse_value


def generation_settings(overrides: Sequence[str] | Mapping[str, Any] = ()) -> GenerationConfig:
    """The generation settings that `overrides` (`["++a.b=1"]`, or the tree `{"a": {"b": 1}}`) set; OverrideError
    naming the key and listing the valid ones when one is wrong. Unset fields keep their defaults and stay unset
    (`model_fields_set`), so a step can still layer its own defaults under them."""
    tree = dict(overrides) if isinstance(overrides, Mapping) else parse_overrides(list(overrides))
    return build_config(GenerationConfig, tree)


def as_overrides(settings: GenerationConfig) -> list[str]:
    """The `++key=value` arguments that rebuild `settings` (only what was set), for a step's command line."""
    return [f"++{key}={_text(value)}" for key, value in _flatten(settings.model_dump(exclude_unset=True))]


def _flatten(tree: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in tree.items():
        if isinstance(value, dict) and value:
            items += _flatten(value, f"{prefix}{key}.")
        else:
            items.append((f"{prefix}{key}", value))
    return items


def _text(value: Any) -> str:
    """A value as it reads back through `parse_value` (plain text when that round-trips, else JSON)."""
    if isinstance(value, str) and parse_value(value) == value:
        return value
    return json.dumps(value)

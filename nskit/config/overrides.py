"""NeMo-Skills-style `++key=value` / `++a.b=value` overrides, applied to a pydantic model with unknown keys refused."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from nskit.errors import UserError


M = TypeVar("M", bound=BaseModel)


class OverrideError(UserError):
    """A `++` override that is malformed or names a key the config does not have."""


def parse_value(text: str) -> Any:
    """Type a value the way Hydra users expect: `0.7` -> float, `true` -> bool, `null` -> None, `[1,2]` -> list."""
    if text == "":
        return ""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def parse_overrides(args: Sequence[str]) -> dict[str, Any]:
    """Turn `["++a.b=1", "++c=x"]` into `{"a": {"b": 1}, "c": "x"}`; later arguments win."""
    tree: dict[str, Any] = {}
    for arg in args:
        if not arg.startswith("++") or "=" not in arg:
            raise OverrideError(f"unexpected argument {arg!r}: settings are passed as ++key=value (e.g. ++max_samples=5)")
        key, value = arg[2:].split("=", 1)
        parts = key.split(".")
        if not key or any(not p for p in parts):
            raise OverrideError(f"malformed override key in {arg!r}")
        node = tree
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise OverrideError(f"{arg!r}: {part!r} was already set to a value, cannot set a sub-key of it")
            node = child
        node[parts[-1]] = parse_value(value)
    return tree


def merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge `update` into a copy of `base`."""
    result = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = value
    return result


def valid_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every dotted key a model accepts, for error messages and `--help`."""
    keys: list[str] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys.extend(valid_keys(annotation, f"{prefix}{name}."))
        else:
            keys.append(f"{prefix}{name}")
    return keys


def build_config(model: type[M], *layers: dict[str, Any]) -> M:
    """Validate the deep merge of `layers` as `model`; unknown keys and bad values raise OverrideError."""
    merged: dict[str, Any] = {}
    for layer in layers:
        merged = merge(merged, layer)
    try:
        return model.model_validate(merged)
    except ValidationError as exc:
        raise OverrideError(_explain(model, exc)) from None


def _explain(model: type[BaseModel], exc: ValidationError) -> str:
    lines = []
    unknown = False
    for error in exc.errors():
        key = ".".join(str(p) for p in error["loc"])
        if error["type"] == "extra_forbidden":
            unknown = True
            lines.append(f"unknown setting ++{key}")
        elif not key:  # a check of the whole config (two settings that do not go together): its message says all
            lines.append(error["msg"].removeprefix("Value error, "))
        else:
            lines.append(f"bad value for ++{key}: {error['msg']} (got {error.get('input')!r})")
    if unknown:
        lines.append("valid settings: " + ", ".join(f"++{k}" for k in valid_keys(model)))
    return "; ".join(lines[:-1]) + ("\n" if unknown else "; ") + lines[-1] if len(lines) > 1 else lines[0]


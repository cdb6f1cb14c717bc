"""NeMo-Skills spellings of command options: `++key=value` as an alternative to `--key value`.

NeMo-Skills runs its helper scripts (fill_majority_answer, the judge, summarize_results) with Hydra-style
`++key=value`; nskit's commands take typed `--key` options. For the commands in `PLUS_COMMANDS`, every
`++key=value` whose key is one of the command's options is rewritten to the option before click parses it, so
both spellings reach the same typed parameter. A `++key` that is no option of the command is an error that lists
the valid ones. `ALIASES` maps NeMo-Skills names to nskit's (documented in docs/nemo_skills.md).
"""

from __future__ import annotations

from typing import Any

PLUS_COMMANDS = frozenset({"fill_majority", "llm_math_judge", "summarize_results", "grade"})
ALIASES = {"batch_size": "max_concurrent_requests"}
"""NeMo-Skills name -> nskit option name (without dashes)."""

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


class PlusArgError(ValueError):
    """A `++key=value` that names no option of the command, or a bad flag value."""


def _options(command: Any) -> dict[str, Any]:
    """Long option names (without `--`) of a click command -> the option (typer vendors click: duck-typed)."""
    found = {}
    for param in command.params:
        if param.param_type_name == "option":
            for name in param.opts:
                if name.startswith("--"):
                    found[name[2:]] = param
    return found


def _values(text: str) -> list[str]:
    """`[a,b]` (Hydra list) -> ["a", "b"]; anything else is one value."""
    if text.startswith("[") and text.endswith("]"):
        return [part.strip().strip("'\"") for part in text[1:-1].split(",") if part.strip()]
    return [text]


def translate(command_name: str, command: Any, args: list[str]) -> list[str]:
    """`args` of one command with its `++key=value` rewritten to `--key value` (only for PLUS_COMMANDS)."""
    if command_name not in PLUS_COMMANDS:
        return args
    options = _options(command)
    out: list[str] = []
    for arg in args:
        if not arg.startswith("++"):
            out.append(arg)
            continue
        key, sep, value = arg[2:].partition("=")
        option = options.get(ALIASES.get(key, key)) or options.get(key)
        if not sep or option is None:
            valid = ", ".join(f"++{name}" for name in sorted(options) if name not in ("help",))
            raise PlusArgError(f"unknown setting {arg.split('=')[0]!r} for ns {command_name}; valid: {valid}")
        name = next(o for o in option.opts if o.startswith("--"))
        if option.is_flag:
            if value.lower() in _TRUE:
                out.append(name)
            elif value.lower() in _FALSE:
                if option.secondary_opts:
                    out.append(option.secondary_opts[0])
                elif option.default:
                    raise PlusArgError(f"{arg}: {name} cannot be switched off")
            else:
                raise PlusArgError(f"{arg}: expected true or false")
            continue
        for item in _values(value) if option.multiple else [value]:
            out += [name, item]
    return out

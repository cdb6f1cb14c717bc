"""Loading and rendering prompts.

A prompt config (YAML, `nskit/prompt/configs/<name>.yaml` or a path) holds `system`, `user` (a `str.format`
template over the record's fields plus `{examples}`) and optional `few_shot_examples` rendered with
`example_template`. In chat mode the result is a list of messages; in raw-completion mode a prompt template from
`prompt_templates/` (chatml, llama3-instruct, ...) turns those messages into one string.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from nskit.errors import UserError

CONFIG_DIR = Path(__file__).parent / "configs"
TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "prompt_templates"


class PromptConfig(BaseModel):
    """A chat prompt: system message, user template and optional few-shot examples."""

    model_config = ConfigDict(extra="forbid")
    system: str = ""
    user: str
    few_shot_examples: list[dict[str, Any]] = Field(default_factory=list)
    example_template: str = "Problem:\n{problem}\n\nSolution:\n{solution}"
    example_separator: str = "\n\n\n\n\n\n"

    def fields(self) -> set[str]:
        """Names the user template reads from a record (besides `examples`)."""
        return {name for _, name, _, _ in string.Formatter().parse(self.user) if name} - {"examples"}

    def render(self, record: dict[str, Any], system_message: str | None = None) -> list[dict[str, str]]:
        """The chat messages for one record; a missing field is a KeyError naming it."""
        missing = self.fields() - record.keys()
        if missing:
            raise KeyError(f"prompt needs field(s) {sorted(missing)} that the record does not have")
        examples = self.example_separator.join(self.example_template.format(**ex) for ex in self.few_shot_examples)
        if examples:
            examples += self.example_separator
        user = self.user.format(**{**record, "examples": examples})
        system = self.system if system_message is None else system_message
        messages = [{"role": "system", "content": system}] if system else []
        return messages + [{"role": "user", "content": user}]


class PromptTemplate(BaseModel):
    """How a model family wraps chat turns into raw text (for completion mode)."""

    model_config = ConfigDict(extra="forbid")
    text_begin: str = ""
    system_begin: str = ""
    system_end: str = ""
    user_begin: str
    user_end: str
    assistant_begin: str
    assistant_end: str
    default_system: str = ""
    system_in_user: bool = Field(False, description="no system role: prepend the system text to the first user turn")
    stop_phrases: list[str] = Field(default_factory=list)

    def render(self, messages: list[dict[str, str]]) -> str:
        """One completion prompt ending where the assistant's answer starts."""
        text = self.text_begin
        system = next((m["content"] for m in messages if m["role"] == "system"), self.default_system)
        prefix = ""
        if system and self.system_in_user:
            prefix = system + "\n\n"
        elif system:
            text += self.system_begin + system + self.system_end
        for message in messages:
            if message["role"] == "user":
                text += self.user_begin + prefix + message["content"] + self.user_end
                prefix = ""
            elif message["role"] == "assistant":
                text += self.assistant_begin + message["content"] + self.assistant_end
        return text + self.assistant_begin


@dataclass(frozen=True)
class Prompt:
    """What the client sends: chat messages, or a raw string in completion mode, plus template stop phrases."""

    messages: list[dict[str, str]]
    text: str | None = None
    stop_phrases: tuple[str, ...] = ()


def _resolve(name_or_path: str, directory: Path, kind: str) -> Path:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return path
    candidate = directory / f"{name_or_path}.yaml"
    if candidate.is_file():
        return candidate
    known = sorted(str(p.relative_to(directory).with_suffix("")) for p in directory.rglob("*.yaml"))
    raise FileNotFoundError(f"unknown {kind} {name_or_path!r}: not a YAML file and not one of {', '.join(known)}")


def _load_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping at the top level")
    return data


def load_prompt_config(name_or_path: str) -> PromptConfig:
    """Load a prompt config by name (`generic/math`) or path; unknown keys are an error naming the file."""
    path = _resolve(name_or_path, CONFIG_DIR, "prompt config")
    try:
        return PromptConfig.model_validate(_load_yaml(path))
    except ValueError as exc:
        raise UserError(f"{path}: {exc}") from None


def load_prompt_template(name_or_path: str) -> PromptTemplate:
    """Load a raw-completion chat template by name (`chatml`, `llama3-instruct`, ...) or path."""
    path = _resolve(name_or_path, TEMPLATE_DIR, "prompt template")
    try:
        return PromptTemplate.model_validate(_load_yaml(path))
    except ValueError as exc:
        raise UserError(f"{path}: {exc}") from None


def build_prompt(
    record: dict[str, Any],
    config: PromptConfig,
    template: PromptTemplate | None = None,
    system_message: str | None = None,
) -> Prompt:
    """Render one record into what the client sends (chat messages, or raw text when a template is given)."""
    messages = config.render(record, system_message)
    if template is None:
        return Prompt(messages=messages)
    return Prompt(messages=messages, text=template.render(messages), stop_phrases=tuple(template.stop_phrases))

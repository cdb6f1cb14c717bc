"""Prompts: chat prompt configs (system/user with few-shot examples) and raw-completion chat templates."""

from nskit.prompt.render import (
    Prompt,
    PromptConfig,
    PromptTemplate,
    load_prompt_config,
    load_prompt_template,
)

__all__ = ["Prompt", "PromptConfig", "PromptTemplate", "load_prompt_config", "load_prompt_template"]

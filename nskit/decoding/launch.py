"""How a vLLM server is told to load the decoding processor (pure Python: used when building command lines)."""

from __future__ import annotations

PROCESSOR = "nskit.decoding.processor:DecodingLogitsProcessor"
"""What `--logits-processors` names on vLLM's command line."""

_NO_CUSTOM_PROCESSORS = ("--convert", "--runner", "--task", "--speculative-config", "--speculative_config")
"""vLLM refuses custom logits processors for pooling models and with speculative decoding."""


def server_args(args: list[str]) -> list[str]:
    """The flags that make vLLM load the processor, or none when `args` already name one or forbid them."""
    names = {arg.split("=", 1)[0] for arg in args}
    if names & {*_NO_CUSTOM_PROCESSORS, "--logits-processors", "--logits_processors"}:
        return []
    return ["--logits-processors", PROCESSOR]

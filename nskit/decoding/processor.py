"""The vLLM V1 logits processor that applies the decoding knobs, per request, from `vllm_xargs`.

vLLM loads it with `--logits-processors nskit.decoding.processor:DecodingLogitsProcessor` (`ns start_server` and
`ns eval` add the flag). It declares itself not argmax-invariant so vLLM runs it on the raw float32 logits, before
penalties and the request's temperature: every knob sees the model's own distribution. Requests without knobs
cost nothing: `apply` returns at once when no row of the batch asks for one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
from vllm import SamplingParams
from vllm.v1.sample.logits_processor import BatchUpdate, LogitsProcessor
from vllm.v1.sample.logits_processor.builtin import process_dict_updates

from nskit.decoding.knobs import from_xargs
from nskit.decoding.truncation import apply_knobs

if TYPE_CHECKING:
    from vllm.config import VllmConfig

QUALIFIED_NAME = "nskit.decoding.processor:DecodingLogitsProcessor"


class DecodingLogitsProcessor(LogitsProcessor):
    """All nskit knobs in one processor: the kept sets of the truncation knobs are intersected, then `edt`."""

    def __init__(self, vllm_config: VllmConfig, device: torch.device, is_pin_memory: bool) -> None:
        self.rows: dict[int, tuple[dict[str, Any], float]] = {}

    @classmethod
    def validate_params(cls, sampling_params: SamplingParams) -> None:
        """Refuse (HTTP 400) unknown `nskit_*` keys and bad values before the request is scheduled."""
        from_xargs(sampling_params.extra_args, sampling_params.temperature)

    def is_argmax_invariant(self) -> bool:
        """False, so the knobs run before the temperature, on raw logits (top-1 is always kept regardless)."""
        return False

    def update_state(self, batch_update: BatchUpdate | None) -> None:
        """Track which batch rows carry knobs as requests join, leave and move."""
        process_dict_updates(self.rows, batch_update, _row_state)

    def apply(self, logits: torch.Tensor) -> torch.Tensor:
        """Mask (and for `edt` rescale) the rows that ask for knobs."""
        if not self.rows:
            return logits
        knobs = {row: state[0] for row, state in self.rows.items()}
        temperatures = {row: state[1] for row, state in self.rows.items()}
        return apply_knobs(logits, knobs, temperatures)


def _row_state(params: SamplingParams, _prompt: list[int] | None, _output: list[int]) -> tuple[dict, float] | None:
    knobs = from_xargs(params.extra_args)
    return (knobs, params.temperature) if knobs else None

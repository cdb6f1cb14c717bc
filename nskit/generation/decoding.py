"""What the decoding knobs and the token log add to a request, and the check that a server applies the knobs.

vLLM ignores `vllm_xargs` that no loaded processor reads, and other servers refuse or ignore unknown fields, so
before a run that uses knobs the client sends one probe that only a server loading nskit's processor refuses
with `PROBE_ANSWER`; any other answer stops the run with a clear error instead of silently sampling plainly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nskit.config.generation import InferenceConfig
from nskit.decoding.knobs import PROBE_ANSWER, PROBE_KEY, to_xargs
from nskit.decoding.launch import PROCESSOR
from nskit.errors import UserError

if TYPE_CHECKING:
    from nskit.generation.client import ModelClient


class DecodingUnavailable(UserError):
    """The server does not apply nskit's decoding knobs (it does not load the logits processor)."""


def request_fields(params: InferenceConfig) -> dict[str, Any]:
    """Body fields for the knobs (`vllm_xargs`) and the token log (token ids instead of token strings)."""
    fields: dict[str, Any] = {}
    xargs = to_xargs(params.knobs())
    if xargs:
        fields["vllm_xargs"] = xargs
    if params.token_log:
        fields["return_tokens_as_token_ids"] = True
    return fields


def merge_fields(body: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """`body` with `fields` added; `vllm_xargs` given by both are merged (the knobs win)."""
    merged = dict(body)
    for key, value in fields.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            value = {**merged[key], **value}
        merged[key] = value
    return merged


def logprobs_wanted(params: InferenceConfig) -> int | None:
    """How many top logprobs per step to ask for: for the record (`top_logprobs`) and for the token log."""
    counts = [count for count in (params.top_logprobs, params.token_log) if count is not None]
    return max(counts) if counts else None


async def check_server_applies_knobs(client: ModelClient) -> None:
    """Raise DecodingUnavailable unless the server refuses the probe the way nskit's processor does."""
    from nskit.generation.errors import RequestFailed
    from nskit.prompt.render import Prompt

    how = (f"start it with `ns start_server` / `ns eval` (server type vllm), or add `--logits-processors {PROCESSOR}` "
           "to its command line")
    try:
        probe = Prompt(messages=[{"role": "user", "content": "probe"}])
        await client.generate(probe, InferenceConfig(tokens_to_generate=1), extra_body={"vllm_xargs": {PROBE_KEY: True}})
    except RequestFailed as exc:
        if PROBE_ANSWER in str(exc):
            return
        raise DecodingUnavailable(
            f"decoding knobs need a vLLM server that loads nskit's logits processor; {client.base_url} refused the "
            f"check ({exc}); {how}"
        ) from exc
    raise DecodingUnavailable(
        f"the server at {client.base_url} ignores decoding knobs (it does not load nskit's logits processor): {how}"
    )

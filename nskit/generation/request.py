"""The request fields nskit adds beyond the OpenAI parameters, built in one place from the sampling settings.

`request_extras` returns what goes into the request body next to `model`, `messages`/`prompt`, `temperature`,
`top_p`, `max_tokens`, `seed` and `stop`: a strategy's own fields, the decoding knobs and token log
(`generation/decoding.py`), vLLM's sampling extensions when they differ from the defaults, `reasoning_effort`,
`chat_template_kwargs`, then every `extra_body` field as given (last: it wins). Nothing is filtered: a field the
server does not accept is the server's to reject.
"""

from __future__ import annotations

from typing import Any

from nskit.config.generation import InferenceConfig
from nskit.generation.decoding import merge_fields, request_fields


def request_extras(params: InferenceConfig, extra_body: dict[str, Any] | None = None) -> dict[str, Any]:
    """Body fields beyond the OpenAI parameters for one request (`extra_body`: a strategy's own fields)."""
    extras: dict[str, Any] = merge_fields(dict(extra_body or {}), request_fields(params))
    if params.top_k != -1:
        extras["top_k"] = params.top_k
    if params.min_p > 0:
        extras["min_p"] = params.min_p
    if params.repetition_penalty != 1.0:
        extras["repetition_penalty"] = params.repetition_penalty
    if params.reasoning_effort is not None:
        extras["reasoning_effort"] = params.reasoning_effort
    if params.chat_template_kwargs:
        extras["chat_template_kwargs"] = {**extras.get("chat_template_kwargs", {}), **params.chat_template_kwargs}
    extras.update(params.extra_body)
    return extras

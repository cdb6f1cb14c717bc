"""Server logprobs -> TokenSteps, on hand-made answers shaped like vLLM's."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nskit.generation.token_steps import steps_from_logprobs, steps_from_prompt_logprobs


def lp(p: float) -> float:
    return math.log(p)


def test_generated_steps_rank_and_alternatives() -> None:
    # vLLM lists the chosen token first, then the best others: K = 3 entries in all
    entries = [
        {"token": "token_id:7", "logprob": lp(0.6), "top_logprobs": {"token_id:7": lp(0.6), "token_id:8": lp(0.3),
                                                                      "token_id:9": lp(0.05)}},
        {"token": "token_id:4", "logprob": lp(0.2), "top_logprobs": {"token_id:4": lp(0.2), "token_id:1": lp(0.5),
                                                                      "token_id:2": lp(0.25)}},
        # the chosen token is not among the best two: rank "3 or worse"
        {"token": "token_id:5", "logprob": lp(0.01), "top_logprobs": {"token_id:5": lp(0.01), "token_id:1": lp(0.5),
                                                                       "token_id:2": lp(0.25)}},
    ]
    steps = steps_from_logprobs(entries, 3)
    assert steps.chosen_ids.tolist() == [7, 4, 5] and steps.ranks.tolist() == [1, 3, 3]
    assert steps.top_ids.tolist() == [[7, 8, 9], [1, 2, 4], [1, 2, 5]]
    np.testing.assert_allclose(steps.top_probs[1], [0.5, 0.25, 0.2], rtol=1e-6)
    np.testing.assert_allclose(steps.chosen_probs, [0.6, 0.2, 0.01], rtol=1e-6)
    with pytest.raises(ValueError, match="token_id:N"):
        steps_from_logprobs([{"token": "the", "logprob": 0.0, "top_logprobs": {}}], 3)


def test_prompt_tokens_keep_vllms_exact_rank() -> None:
    entries = [
        {"11": {"logprob": lp(0.7), "rank": 1}, "12": {"logprob": lp(0.2), "rank": 2}},
        {"40": {"logprob": lp(0.001), "rank": 57}, "12": {"logprob": lp(0.4), "rank": 1},
         "13": {"logprob": lp(0.3), "rank": 2}},
    ]
    steps = steps_from_prompt_logprobs(entries, 2)
    assert steps.chosen_ids.tolist() == [11, 40] and steps.ranks.tolist() == [1, 57]
    assert steps.top_ids.tolist() == [[11, 12], [12, 13]]
    with pytest.raises(ValueError, match="prompt token 0 has no logprobs"):
        steps_from_prompt_logprobs([None], 2)

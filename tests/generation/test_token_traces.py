"""`ns token_traces`: teacher-forced logs of reference solutions from a real vLLM server's prompt logprobs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nskit.records import iter_jsonl
from nskit.records.token_log import read_token_log
from tests.helpers import ns

pytestmark = pytest.mark.vllm


def test_traces_of_math_500_reference_solutions(tmp_path: Path, vllm_server: str, mirror_dir: Path,
                                                embedded_model: Path) -> None:
    args = ["token_traces", "--benchmark", "math-500", "--server_address", vllm_server, "--output_dir",
            str(tmp_path / "out"), "--data_dir", str(tmp_path / "data"), "--top_k", "5", "++max_samples=3"]
    result = ns(*args, env={"NSKIT_MIRROR": str(mirror_dir)})
    assert result.returncode == 0, result.stderr
    output = tmp_path / "out" / "token-traces" / "math-500" / "output.jsonl"
    records, logs = list(iter_jsonl(output)), read_token_log(output)
    assert sorted(logs) == [0, 1, 2]
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(embedded_model)
    for position, record in enumerate(records):
        steps = logs[position]
        assert len(steps) == record["num_reference_tokens"] > 10 and steps.k == 5
        # the logged tokens are the reference solution, token by token
        assert tokenizer.decode(steps.chosen_ids).strip() == record["reference_solution"].strip()
        assert steps.ranks.min() >= 1 and steps.ranks.max() > 5  # exact ranks, also beyond the top-K
        inside = steps.ranks <= 5
        np.testing.assert_allclose(steps.chosen_probs[inside], steps.top_probs[inside, steps.ranks[inside] - 1],
                                   rtol=1e-2)
        assert np.all(np.diff(steps.top_probs, axis=1) <= 0)  # best first
    again = ns(*args, env={"NSKIT_MIRROR": str(mirror_dir)})
    assert again.returncode == 0 and "0 records requested" in again.stderr + again.stdout

"""Batch mode on a local model: the same batch input file runs through vLLM's offline runner (run_batch).

One gsm8k chunk of 4 problems, end to end: `ns generate --server_type vllm --model M ++batch_api=True` writes the
batch file, runs `python -m vllm.entrypoints.openai.run_batch` on the embedded model (no server), and maps every
result back to its record; `ns grade` then reads the output as usual.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nskit.records import iter_jsonl
from tests.helpers import ns

pytestmark = [pytest.mark.vllm, pytest.mark.slow]


def test_gsm8k_chunk_through_vllm_run_batch(tmp_path: Path, embedded_model: Path, mirror_dir: Path) -> None:
    out = tmp_path / "run"
    result = ns("generate", "--chunks", "gsm8k:greedy", "--output_dir", str(out), "--data_dir", str(tmp_path / "data"),
                "--server_type", "vllm", "--model", str(embedded_model), "++batch_api=True", "++max_samples=4",
                "++inference.tokens_to_generate=48", env={"NSKIT_MIRROR": str(mirror_dir)}, timeout=900)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    final = out / "eval-results" / "gsm8k" / "output.jsonl"
    records = list(iter_jsonl(final))
    assert len(records) == 4 and not [r for r in records if "error" in r]
    assert all(r["generation"].strip() and r["num_generated_tokens"] > 0 for r in records)
    assert sorted(p.name for p in final.parent.iterdir()) == ["output.jsonl"]  # no batch files left behind
    log = (out / "logs" / "run_batch.log").read_text()
    assert "vllm.entrypoints.openai.run_batch" in log
    graded = ns("grade", "--input_files", str(final), "--num_workers", "1")
    assert graded.returncode == 0, graded.stderr[-2000:]
    assert all("symbolic_correct" in r for r in iter_jsonl(final))
    assert os.path.getsize(final) > 0

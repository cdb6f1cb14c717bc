"""NeMo-Skills' OpenMath2-Llama3.1-8B evaluation workflow (docs/openmathinstruct2/evaluation.md of its October 2024
release), typed as it is written there, on the embedded model and the session's real vLLM CPU server.

Changed only where this machine forces it: the model path (the embedded model instead of the TensorRT-LLM engine),
`--server_type=vllm` with the running server's `--server_address` (no GPU: no TensorRT-LLM, no `--server_gpus`),
the local model as judge instead of gpt-4o, `++max_samples=2` and `++inference.tokens_to_generate=64` (CPU time),
`--data_dir`/`--mirror` (offline), `math:4` instead of `math:256`, and omni-math left out of the greedy list: its
upstream file is not in the offline mirror (see the mirror's SOURCES.md). `python -m
nemo_skills.evaluation.fill_majority_answer` is `ns fill_majority`; `mkdir`/`cp` are done in Python.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.helpers import ns

pytestmark = pytest.mark.vllm


def _ok(*args: str) -> str:
    result = ns(*args)
    assert result.returncode == 0, f"ns {' '.join(args)}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_openmath2_workflow_verbatim(tmp_path: Path, vllm_server: str, mirror_dir: Path) -> None:
    from nskit.models.embedded import embedded_model_dir

    model = str(embedded_model_dir())
    out = tmp_path / "openmath2-llama3.1-8b-eval"
    cpu = ["--server_address", vllm_server, "--data_dir", str(tmp_path / "data"), "--mirror", str(mirror_dir),
           "++max_samples=2", "++inference.tokens_to_generate=64"]

    greedy = _ok(
        "eval", "--cluster=local", f"--model={model}", "--server_type=vllm", f"--output_dir={out}",
        "--benchmarks=aime24:0,amc23:0,math:0,gsm8k:0", "--num_jobs=1",
        "++prompt_template=llama3-instruct", "++batch_size=512", *cpu,
    )
    for benchmark in ("aime24", "amc23", "math", "gsm8k"):
        assert re.search(rf"^-+ {benchmark} -+$", greedy, re.MULTILINE), greedy
        assert (out / "eval-results" / benchmark / "output.jsonl").is_file()

    _ok(
        "eval", "--cluster=local", f"--model={model}", "--server_type=vllm", f"--output_dir={out}",
        "--benchmarks=math:4", "--num_jobs=1", "--skip_greedy",
        "++prompt_template=llama3-instruct", "++batch_size=512", *cpu,
    )
    _ok("fill_majority", f"++input_files={out}/eval-results/math/output-rs*.jsonl", "++fill_key=predicted_answer")
    fused = [json.loads(line) for line in (out / "eval-results" / "math" / "output-rs0.jsonl").open()]
    assert all(record["total_votes"] == 4 for record in fused)

    majority_dir = out / "eval-results-majority" / "math"
    majority_dir.mkdir(parents=True)
    shutil.copy(out / "eval-results" / "math" / "output-rs0.jsonl", majority_dir)

    _ok(
        "llm_math_judge", "--cluster=local", f"--model={model}", "--server_type=openai",
        f"--server_address={vllm_server}", f"--input_files={out}/eval-results-majority/**/output*.jsonl",
    )
    table = _ok("summarize_results", str(out / "eval-results-majority"), "--cluster", "local")
    header, row = [line.split(" | ") for line in table.splitlines() if " | " in line][:2]
    assert [cell.strip() for cell in header][:4] == ["evaluation_mode", "num_entries", "avg_tokens", "gen_seconds"]
    assert "judge_correct" in [cell.strip() for cell in header]
    assert row[0].strip() == "majority@1" and row[1].strip() == "2"
    assert re.search(r"^-+ math -+$", table, re.MULTILINE), table

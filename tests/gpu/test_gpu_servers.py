"""The GPU server types for real: the embedded model's HF folder built into a TensorRT-LLM engine and served with
trtllm-serve, and served with SGLang and with vLLM; `ns eval --benchmarks=gsm8k:0 ++max_samples=20` against each.

Run on a machine with an NVIDIA GPU and the packages installed (see docs/servers.md):
    NSKIT_GPU_TESTS=1 .venv/bin/python -m pytest tests/gpu -v
Without a GPU (or without a server's package) each test skips, saying why; with NSKIT_GPU_TESTS=1 it fails instead,
so a GPU job that lost its GPU or its packages cannot pass silently.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest

from nskit.models.default import has_gpu
from tests.helpers import ns

pytestmark = [pytest.mark.gpu, pytest.mark.slow]

REQUIRED = os.environ.get("NSKIT_GPU_TESTS") == "1"
SAMPLES = 20


def require(problem: str | None) -> None:
    """Skip (or, with NSKIT_GPU_TESTS=1, fail) when `problem` says why this test cannot run here."""
    if problem is None:
        return
    if REQUIRED:
        pytest.fail(f"NSKIT_GPU_TESTS=1 but {problem}")
    pytest.skip(problem)


def gpu_problem(module: str | None = None, executable: str | None = None) -> str | None:
    """Why a GPU test cannot run here, or None."""
    if not has_gpu():
        return "no NVIDIA GPU on this machine"
    if module and importlib.util.find_spec(module) is None:
        return f"python package {module!r} is not installed"
    if executable and shutil.which(executable) is None:
        return f"{executable!r} is not on PATH"
    return None


def eval_on(server_type: str, model: Path, tmp_path: Path, mirror_dir: Path) -> list[dict]:
    """`ns eval --benchmarks=gsm8k:0 ++max_samples=20` with a server of `server_type` for `model`: its records."""
    out = tmp_path / server_type
    result = ns("eval", "--benchmarks=gsm8k:0", f"--server_type={server_type}", f"--model={model}",
                "--server_gpus=1", "--output_dir", str(out), "--data_dir", str(tmp_path / "data"), "--mirror",
                str(mirror_dir), f"++max_samples={SAMPLES}", "++inference.tokens_to_generate=256", timeout=1800)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    path = out / "eval-results" / "gsm8k" / "output.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    assert len(records) == SAMPLES
    assert all(not record.get("error") and record["generation"] for record in records), records[:2]
    summary = ns("summarize_results", str(out))
    print(f"\n{server_type} on {model}:\n{summary.stdout}")
    return records


def test_vllm_serves_the_hf_folder(embedded_model: Path, tmp_path: Path, mirror_dir: Path) -> None:
    require(gpu_problem(module="vllm"))
    eval_on("vllm", embedded_model, tmp_path, mirror_dir)


def test_sglang_serves_the_hf_folder(embedded_model: Path, tmp_path: Path, mirror_dir: Path) -> None:
    require(gpu_problem(module="sglang"))
    eval_on("sglang", embedded_model, tmp_path, mirror_dir)


def test_convert_to_trtllm_and_serve_the_engine(embedded_model: Path, tmp_path: Path, mirror_dir: Path) -> None:
    require(gpu_problem(module="tensorrt_llm", executable="trtllm-serve"))
    engine = tmp_path / "engine"
    result = ns("convert", "--convert_from=hf", "--convert_to=trtllm", f"--input_model={embedded_model}",
                f"--output_model={engine}", "--num_gpus=1", "--dtype=bf16", timeout=1800)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert (engine / "rank0.engine").is_file() and (engine / "tokenizer_config.json").is_file()
    eval_on("trtllm", engine, tmp_path, mirror_dir)

"""SGLang and TensorRT-LLM server types and `ns convert --convert_to trtllm`, offline: the exact command lines
--dry_run prints, and the clear error on a machine without a GPU (the real runs are in tests/gpu)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from nskit.models.default import has_gpu
from nskit.servers import LaunchSpec, ServerProcess, get_server_type
from nskit.servers.process import GpuRequired
from tests.helpers import ns

SLURM_CONFIG = "executor: slurm\naccount: acct\npartition: gpu\ncpu_partition: cpu\ngpus_per_node: 8\n"


def test_sglang_command_line() -> None:
    spec = LaunchSpec(model="/models/m", port=8123, gpus=4, extra_args=("--mem-fraction-static", "0.8"))
    assert get_server_type("sglang").command(spec, "py") == [
        "py", "-m", "sglang.launch_server", "--model-path", "/models/m", "--host", "127.0.0.1", "--port", "8123",
        "--tp-size", "4", "--mem-fraction-static", "0.8"]
    assert get_server_type("sglang").health_path() == "/health"


def test_trtllm_command_line_for_hf_folder_and_engine(tmp_path: Path) -> None:
    trtllm = get_server_type("trtllm")
    spec = LaunchSpec(model=str(tmp_path), port=8124, gpus=2)
    assert trtllm.command(spec, "py") == ["trtllm-serve", str(tmp_path), "--host", "127.0.0.1", "--port", "8124",
                                         "--backend", "pytorch", "--tp_size", "2"]
    (tmp_path / "rank0.engine").write_bytes(b"")
    assert trtllm.command(spec, "py")[4:] == ["--port", "8124", "--backend", "tensorrt", "--tokenizer", str(tmp_path),
                                              "--tp_size", "2"]
    assert trtllm.health_path() == "/health"


@pytest.mark.parametrize("name", ["sglang", "trtllm"])
def test_gpu_server_on_cpu_machine_is_a_clear_error(name: str, tmp_path: Path) -> None:
    if has_gpu():
        pytest.skip("this machine has a GPU: tests/gpu runs the servers for real")
    server = ServerProcess(get_server_type(name), LaunchSpec(model="/models/m", port=8125), tmp_path / "s.log")
    with pytest.raises(GpuRequired, match=f"{name!r} needs an NVIDIA GPU.*--dry_run"):
        server.start()
    assert not server.running and not (tmp_path / "s.log").exists()


def test_eval_dry_run_prints_the_server_command_lines(tmp_path: Path) -> None:
    result = ns("eval", "--server_type=sglang", "--model=/models/m", "--server_gpus=2", "--benchmarks=gsm8k:0",
                "--output_dir", str(tmp_path / "out"), "--dry_run", "++max_samples=20")
    assert result.returncode == 0, result.stderr
    runs = [line.split("runs: ", 1)[1] for line in result.stdout.splitlines() if "runs: " in line]
    assert shlex.split(runs[0])[1:] == ["-m", "sglang.launch_server", "--model-path", "/models/m", "--host",
                                        "127.0.0.1", "--port", "<port>", "--tp-size", "2"]
    config = tmp_path / "slurm.yaml"
    config.write_text(SLURM_CONFIG)
    result = ns("eval", f"--cluster={config}", "--server_type=trtllm", "--model=/models/m", "--benchmarks=gsm8k:0",
                "--output_dir", str(tmp_path / "out"), "--dry_run", "++max_samples=20")
    assert result.returncode == 0, result.stderr
    assert ("runs trtllm-serve /models/m --host 127.0.0.1 --port '<20000 + SLURM_JOB_ID % 20000>' --backend pytorch "
            "--tp_size 8") in result.stdout


def test_convert_to_trtllm_dry_run_local_and_slurm(tmp_path: Path) -> None:
    args = ["convert", "--convert_from=hf", "--convert_to=trtllm", "--input_model=/models/hf",
            "--output_model=/models/trt", "--num_gpus=2", "--dtype=bf16", "--hf_model_name=org/name", "--dry_run"]
    result = ns(*args)
    assert result.returncode == 0, result.stderr
    builder = result.stdout.split("the convert step runs: ", 1)[1].split()
    assert builder[1:] == ["-m", "nskit.models.trtllm_build", "--input_model", "/models/hf", "--output_model",
                           "/models/trt", "--dtype", "bfloat16", "--tp_size", "2", "--hf_model_name", "org/name"]
    config = tmp_path / "slurm.yaml"
    config.write_text(SLURM_CONFIG)
    result = ns(*args, f"--cluster={config}")
    assert result.returncode == 0, result.stderr
    assert "job nskit-convert-convert: nodes=1 gpus_per_node=2 partition=gpu" in result.stdout
    assert "-m nskit convert --convert_from hf --convert_to trtllm --input_model /models/hf" in result.stdout


def test_convert_to_trtllm_without_gpu_is_a_clear_error(tmp_path: Path) -> None:
    if has_gpu():
        pytest.skip("this machine has a GPU: tests/gpu builds an engine for real")
    (tmp_path / "hf").mkdir()
    result = ns("convert", "--convert_from=hf", "--convert_to=trtllm", f"--input_model={tmp_path / 'hf'}",
                f"--output_model={tmp_path / 'trt'}")
    assert result.returncode == 2
    assert "--convert_to trtllm needs an NVIDIA GPU" in result.stderr
    assert "nskit.models.trtllm_build" in result.stderr and not (tmp_path / "trt").exists()

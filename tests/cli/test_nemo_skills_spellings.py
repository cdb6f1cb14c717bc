"""NeMo-Skills spellings: `++key=value` for command options, `--cluster`, `++batch_size`, trtllm/sglang."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from nskit.cli.app import app
from nskit.cli.where import command_argv
from nskit.config.generation import GenerationConfig
from nskit.config.overrides import build_config, parse_overrides
from nskit.models.default import has_gpu

RUNNER = CliRunner()


def _seeds(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for seed, answers in enumerate([["4", "6"], ["4", "7"], ["5", "7"]]):
        records = [{"id": i, "problem": f"p{i}", "expected_answer": e, "generation": f"\\boxed{{{a}}}"}
                   for i, (a, e) in enumerate(zip(answers, ["4", "7"]))]
        (folder / f"output-rs{seed}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))


def _invoke(*args: str) -> str:
    result = RUNNER.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("plus", [False, True])
def test_grade_fill_majority_summarize_with_plus_or_dash_options(tmp_path: Path, plus: bool) -> None:
    """The OpenMath2 majority steps typed both ways end in the same files and table."""
    folder = tmp_path / "eval-results" / "math"
    _seeds(folder)
    files = f"{folder}/output-rs*.jsonl"

    def opt(key: str, value: str) -> list[str]:
        return [f"++{key}={value}"] if plus else [f"--{key}", value]

    _invoke("grade", *opt("input_files", files), *opt("num_workers", "1"), "--cluster", "local")
    _invoke("fill_majority", *opt("input_files", files), *opt("fill_key", "predicted_answer"), "--cluster=local")
    assert [json.loads(line)["predicted_answer"] for line in (folder / "output-rs2.jsonl").open()] == ["4", "7"]
    table = _invoke("summarize_results", str(tmp_path), "--cluster", "local", *opt("majority", "string"))
    assert "majority@3       | 2           | 100.00%" in table


def test_plus_flag_and_list_values(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    _seeds(folder)
    _invoke("grade", f"++input_files=[{folder}/output-rs0.jsonl,{folder}/output-rs1.jsonl]", "++num_workers=1")
    assert "symbolic_correct" in (folder / "output-rs1.jsonl").read_text()
    assert "symbolic_correct" not in (folder / "output-rs2.jsonl").read_text()
    result = RUNNER.invoke(app, ["summarize_results", str(tmp_path), "++strict=true"])
    assert result.exit_code == 1  # rs2 is not graded: --strict fails


def test_unknown_plus_setting_lists_the_valid_ones(tmp_path: Path) -> None:
    result = RUNNER.invoke(app, ["fill_majority", "++input_file=x.jsonl"])
    assert result.exit_code == 2
    assert "unknown setting '++input_file' for ns fill_majority" in result.output
    assert "++input_files" in result.output and "++fill_key" in result.output


def test_batch_size_is_max_concurrent_requests() -> None:
    assert build_config(GenerationConfig, parse_overrides(["++batch_size=512"])).max_concurrent_requests == 512
    result = RUNNER.invoke(app, ["llm_math_judge", "++input_files=nothing-*.jsonl", "++batch_size=8"])
    assert "no files match" in result.output  # ++batch_size reached --max_concurrent_requests without complaint


@pytest.mark.parametrize("server_type", ["trtllm", "sglang"])
def test_trtllm_and_sglang_on_a_cpu_machine_stop_before_anything_runs(tmp_path: Path, server_type: str) -> None:
    if has_gpu():
        pytest.skip("this machine has a GPU: tests/gpu starts these servers for real")
    result = RUNNER.invoke(app, ["eval", "--benchmarks=gsm8k", f"--server_type={server_type}",
                                 f"--output_dir={tmp_path}"])
    assert result.exit_code == 2
    assert f"server type {server_type!r} needs an NVIDIA GPU" in result.output and "--dry_run" in result.output
    assert not (tmp_path / "eval-results").exists()
    planned = RUNNER.invoke(app, ["eval", "--benchmarks=gsm8k", f"--server_type={server_type}", "--dry_run",
                                  "--server_address=http://127.0.0.1:1/v1", f"--output_dir={tmp_path}"])
    assert planned.exit_code == 0 and "ns generate" in planned.output


def test_cluster_argv_is_the_command_without_where(tmp_path: Path) -> None:
    """What a Slurm config submits: the same command line, minus --cluster/--config_dir."""
    captured: list[list[str]] = []
    probe = typer.Typer()

    @probe.command()
    def summarize_results(ctx: typer.Context, results_dir: Path, cluster: str | None = typer.Option(None, "--cluster"),
                          max_seq_len: int | None = typer.Option(None, "--max_seq_len"),
                          strict: bool = typer.Option(False, "--strict")) -> None:
        captured.append(command_argv(ctx))

    assert CliRunner().invoke(probe, ["out", "--cluster", "slurm", "--max_seq_len", "8", "--strict"]).exit_code == 0
    assert captured == [[str(Path("out").resolve()), "--max_seq_len", "8", "--strict"]]


def test_convert_to_trtllm_on_a_cpu_machine_says_a_gpu_is_needed(tmp_path: Path) -> None:
    if has_gpu():
        pytest.skip("this machine has a GPU: tests/gpu builds an engine for real")
    result = RUNNER.invoke(app, ["convert", "--cluster=local", "--convert_from=hf", "--convert_to=trtllm",
                                 f"--input_model={tmp_path}", f"--output_model={tmp_path / 'out'}"])
    assert result.exit_code == 2 and "needs an NVIDIA GPU" in result.output and "--dry_run" in result.output

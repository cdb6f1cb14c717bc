"""Bad `++` keys and bad cluster configs fail fast with a clear message, before anything runs."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import ns


def test_misspelt_override(tmp_path: Path) -> None:
    result = ns("eval", "--benchmarks=gsm8k:1", "--output_dir", str(tmp_path), "++inference.temprature=0.5")
    assert result.returncode == 2
    assert "unknown setting ++inference.temprature" in result.stderr
    assert "++inference.temperature" in result.stderr
    assert not (tmp_path / "eval-results").exists()


def test_bad_cluster_yaml(tmp_path: Path) -> None:
    config = tmp_path / "mine.yaml"
    config.write_text("executor: local\nservers:\n  vllm:\n    argz: [--enforce-eager]\n")
    result = ns("eval", "--benchmarks=gsm8k:1", "--output_dir", str(tmp_path), "--cluster", str(config))
    assert result.returncode == 2
    assert str(config) in result.stderr and "unknown key 'servers.vllm.argz'" in result.stderr


def test_unknown_benchmark_and_bad_spec(tmp_path: Path) -> None:
    result = ns("eval", "--benchmarks=gsm8kk:1", "--output_dir", str(tmp_path), "--dry_run")
    assert result.returncode == 2 and "gsm8kk" in result.stderr and "gsm8k" in result.stderr
    result = ns("eval", "--benchmarks=gsm8k:x", "--output_dir", str(tmp_path), "--dry_run")
    assert result.returncode == 2 and "bad benchmark entry 'gsm8k:x'" in result.stderr


def test_dry_run_prints_the_plan(tmp_path: Path) -> None:
    result = ns("eval", "--benchmarks=gsm8k:4,math-500:0", "--output_dir", str(tmp_path), "--dry_run",
                "++max_samples=20", "++inference.tokens_to_generate=512")  # a small run: eager (servers.md)
    assert result.returncode == 0, result.stderr
    assert "server: vllm" in result.stdout and "--enforce-eager" in result.stdout
    assert "ns generate --chunks gsm8k:greedy,gsm8k:rs0,gsm8k:rs1,gsm8k:rs2,gsm8k:rs3,math-500:greedy" in result.stdout
    assert "ns grade" in result.stdout and "ns summarize_results" in result.stdout
    assert not (tmp_path / "eval-results").exists()


def test_help_imports_nothing_heavy() -> None:
    import subprocess
    import sys

    code = ("import sys; sys.argv=['ns','--help']\nfrom nskit.cli.app import app\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            "heavy=[m for m in ('torch','vllm','transformers','nemo_run','sympy','openai','matplotlib','math_verify','pydantic') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out

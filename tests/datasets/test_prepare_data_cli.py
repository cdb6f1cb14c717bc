"""`ns prepare_data` through Typer: listing, preparing twice, failures and exit codes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from nskit.cli import prepare_data
from nskit.datasets import get_benchmark, list_benchmarks, mirror_path


@pytest.fixture
def app() -> typer.Typer:
    """An app holding only this command (plus a dummy one, so the command keeps its name)."""
    app = typer.Typer()
    prepare_data.register(app)
    app.command("noop")(lambda: None)
    return app


def run(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["prepare_data", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_list_shows_every_benchmark_with_size_and_source(app: typer.Typer) -> None:
    code, output = run(app, "--list")
    assert code == 0
    for benchmark in list_benchmarks():
        line = next(
            line for line in output.splitlines() if [c.strip() for c in line.split("│")[1:2]] == [benchmark.name]
        )
        assert f" {benchmark.size} " in line and benchmark.source_label in line
    assert "group math-suite:" in output


def test_prepare_twice_then_a_corrupted_source(app: typer.Typer, mirror_copy: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, output = run(app, "aime24", "amc23", "--data_dir", str(data), "--mirror", str(mirror_copy))
    assert code == 0, output
    assert "aime24: wrote 30 records" in output and "prepare_data: 2 written" in output
    files = [data / "aime24" / "test.jsonl", data / "amc23" / "test.jsonl"]
    for path in files:
        os.utime(path, ns=(3_000_000_000, 3_000_000_000))
    state = [(p.read_bytes(), p.stat().st_mtime_ns) for p in files]

    code, output = run(app, "aime24", "amc23", "--data_dir", str(data), "--mirror", str(mirror_copy))
    assert code == 0 and "prepare_data: 2 up to date" in output
    assert [(p.read_bytes(), p.stat().st_mtime_ns) for p in files] == state

    source = mirror_path(get_benchmark("amc23").sources[0].url, mirror_copy)
    source.write_bytes(source.read_bytes().replace(b"27.0", b"28.0", 1))
    code, output = run(app, "aime24", "amc23", "--data_dir", str(data), "--mirror", str(mirror_copy))
    assert code == 1
    assert "amc23: failed: checksum mismatch" in " ".join(output.split())
    assert "1 up to date, 1 failed" in output
    assert [(p.read_bytes(), p.stat().st_mtime_ns) for p in files] == state


def test_unknown_name_and_no_name(app: typer.Typer, tmp_path: Path) -> None:
    code, output = run(app, "aime2024", "--data_dir", str(tmp_path))
    assert code == 1 and "Did you mean aime24" in output
    code, output = run(app)
    assert code == 2 and "at least one benchmark" in output
    assert list(tmp_path.iterdir()) == []


def test_group_and_env_defaults(
    app: typer.Typer, mirror_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NSKIT_DATA_DIR", raising=False)
    monkeypatch.setenv("NSKIT_MIRROR", str(mirror_dir))
    code, output = run(app, "word-problems")
    assert code == 0, output
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["asdiv", "gsm-hard", "gsm8k", "mawps", "svamp"]

"""`--split`: GSM8K's train split from the mirror (checked, idempotent), unknown splits, and where outputs go."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from typer.testing import CliRunner

from nskit.cli.app import app
from nskit.datasets import get_benchmark, mirror_path
from nskit.records.layout import Chunk
from nskit.records import iter_jsonl
from tests.helpers import ns


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["prepare_data", *args], env={"COLUMNS": "300"})
    return result.exit_code, " ".join(result.output.split())


def test_gsm8k_train_from_the_mirror_is_checked_and_idempotent(mirror_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, output = run("gsm8k", "--split", "train", "--data_dir", str(data), "--mirror", str(mirror_dir))
    assert code == 0, output
    train = data / "gsm8k" / "train.jsonl"
    assert f"gsm8k: wrote 7473 records to {train}" in output
    records = list(iter_jsonl(train))
    assert len(records) == 7473 and records[0]["id"] == "gsm8k-train-0" and records[0]["expected_answer"] == "72"
    assert not (data / "gsm8k" / "test.jsonl").exists()
    os.utime(train, ns=(3_000_000_000, 3_000_000_000))
    code, output = run("gsm8k", "--split", "train", "--data_dir", str(data), "--mirror", str(mirror_dir))
    assert code == 0 and "gsm8k: up to date (7473 records" in output
    assert train.stat().st_mtime_ns == 3_000_000_000

    copy = tmp_path / "mirror"
    source = get_benchmark("gsm8k", "train").sources[0]
    target = mirror_path(source.url, copy)
    target.parent.mkdir(parents=True)
    shutil.copyfile(mirror_path(source.url, mirror_dir), target)
    target.write_bytes(target.read_bytes().replace(b"72", b"73", 1))
    code, output = run("gsm8k", "--split", "train", "--data_dir", str(data), "--mirror", str(copy))
    assert code == 1 and "gsm8k: failed: checksum mismatch for " + source.url in output
    assert train.stat().st_mtime_ns == 3_000_000_000


def test_unknown_split_names_the_known_ones(tmp_path: Path) -> None:
    code, output = run("gsm8k", "--split", "dev", "--data_dir", str(tmp_path))
    assert code == 1 and "benchmark 'gsm8k' has no split 'dev' (known: test, train)" in output
    assert get_benchmark("gsm8k").splits == ("test", "train") and get_benchmark("aime24").splits == ("test",)


def test_train_outputs_have_their_own_directory(tmp_path: Path) -> None:
    assert Chunk("gsm8k", 3, "train").output_file(tmp_path) == tmp_path / "train-results" / "gsm8k" / "output-rs3.jsonl"
    assert Chunk("gsm8k", None, "test").output_file(tmp_path) == tmp_path / "eval-results" / "gsm8k" / "output.jsonl"
    result = ns("eval", "--benchmarks=gsm8k:2", "--split", "train", "--output_dir", str(tmp_path), "--dry_run")
    assert result.returncode == 0, result.stderr
    assert "ns prepare_data gsm8k --split train" in result.stdout
    assert f"ns generate --chunks gsm8k:greedy,gsm8k:rs0,gsm8k:rs1 --output_dir {tmp_path} --split train" in result.stdout
    assert f"{tmp_path}/train-results/gsm8k/output*.jsonl" in result.stdout
    assert f"ns summarize_results {tmp_path}/train-results" in result.stdout
    refused = ns("eval", "--benchmarks=aime24", "--split", "train", "--output_dir", str(tmp_path), "--dry_run")
    assert refused.returncode == 2 and "benchmark 'aime24' has no split 'train'" in refused.stderr
    problems = tmp_path / "in.jsonl"
    problems.write_text('{"id": "p0", "problem": "What is 1 + 1?", "expected_answer": "2"}\n')
    refused = ns("generate", "--input_file", str(problems), "--output_file", str(tmp_path / "out.jsonl"), "--split",
                 "train", "--server_address", "http://127.0.0.1:9/v1")
    assert refused.returncode == 2 and "--split picks the benchmark data of --chunks" in refused.stderr

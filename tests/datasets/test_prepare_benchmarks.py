"""prepare / ensure_prepared against the real mirror: counts, fields, grading, no-op reruns, corrupted sources."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nskit.datasets import (
    ChecksumError,
    DownloadError,
    ensure_prepared,
    mirror_path,
    prepare,
    prepare_benchmark,
)
from nskit.datasets.prepare import output_path
from nskit.records import iter_jsonl

# The counts the acceptance criteria fix (mawps: union of 2065 records minus repeats, see benchmarks/mawps.py).
EXPECTED_COUNTS = {
    "gsm8k": 1319,
    "math": 5000,
    "math-500": 500,
    "aime24": 30,
    "aime25": 30,
    "amc23": 40,
    "minerva_math": 272,
    "olympiadbench": 675,
    "gsm-hard": 1319,
    "svamp": 1000,
    "asdiv": 2305,
    "mawps": 1978,
    "college_math": 2818,
    "humaneval": 164,
    "mbpp": 500,
    "mbpp-sanitized": 257,
}
CODE_BENCHMARKS = {"humaneval", "mbpp", "mbpp-sanitized"}
"""Graded by running tests (tests/grading/code), not by comparing answers."""


def test_every_mirrored_benchmark_has_a_count() -> None:
    from nskit.datasets import list_benchmarks

    assert sorted(EXPECTED_COUNTS) == sorted(b.name for b in list_benchmarks() if b.name != "omni-math")


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTS))
def test_prepared_counts_and_fields(prepared_dir: Path, name: str) -> None:
    records = list(iter_jsonl(prepared_dir / name / "test.jsonl"))
    assert len(records) == EXPECTED_COUNTS[name]
    for record in records:
        assert list(record)[:3] == ["id", "problem", "expected_answer"], record["id"]
        for key in ("id", "problem", "expected_answer"):
            assert isinstance(record[key], str) and record[key].strip(), (name, record["id"], key)
    assert len({record["id"] for record in records}) == len(records)


@pytest.mark.parametrize("name", sorted(set(EXPECTED_COUNTS) - CODE_BENCHMARKS))
def test_grader_accepts_every_expected_answer_against_itself(prepared_dir: Path, name: str) -> None:
    # against a respelling of itself (`\\dfrac`, `\\left(`, `1{,}234`, ...), not the identical string, which the
    # grader would decide by its string shortcut
    from nskit.grading import is_equal
    from tests.grading.grading_mirror import respell

    wrong = [
        (record["id"], record["expected_answer"])
        for record in iter_jsonl(prepared_dir / name / "test.jsonl")
        if not is_equal(record["expected_answer"], respell(record["expected_answer"]), timeout=30)
    ]
    assert wrong == []


def test_second_run_changes_nothing(mirror_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = prepare("aime24", tmp_path, mirror_dir)
    before = (first.read_bytes(), first.stat().st_mtime_ns, first.stat().st_ino)
    os.utime(first, ns=(1_000_000_000, 1_000_000_000))  # an old mtime makes any rewrite visible
    second = prepare("aime24", tmp_path, mirror_dir)
    assert second == first
    assert (second.read_bytes(), second.stat().st_mtime_ns, second.stat().st_ino) == (
        before[0],
        1_000_000_000,
        before[2],
    )
    assert "aime24: up to date" in capsys.readouterr().err
    assert sorted(p.name for p in first.parent.iterdir()) == ["test.jsonl"]  # no temp file left behind


def test_changed_output_is_rewritten(mirror_dir: Path, tmp_path: Path) -> None:
    path = prepare("amc23", tmp_path, mirror_dir)
    good = path.read_bytes()
    path.write_bytes(good.replace(b'"27"', b'"28"', 1))
    result = prepare_benchmark("amc23", tmp_path, mirror_dir)
    assert result.changed and path.read_bytes() == good


def test_corrupted_mirror_fails_and_keeps_old_output(mirror_copy: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    path = prepare("aime24", data_dir, mirror_copy)
    os.utime(path, ns=(2_000_000_000, 2_000_000_000))
    old = path.read_bytes()
    from nskit.datasets import get_benchmark

    source = get_benchmark("aime24").sources[0]
    mirrored = mirror_path(source.url, mirror_copy)
    data = bytearray(mirrored.read_bytes())
    data[100] ^= 0x01  # one flipped bit
    mirrored.write_bytes(bytes(data))
    with pytest.raises(ChecksumError) as caught:
        prepare("aime24", data_dir, mirror_copy)
    message = str(caught.value)
    assert source.url in message and source.sha256 in message
    assert caught.value.actual in message and caught.value.actual != source.sha256
    assert path.read_bytes() == old and path.stat().st_mtime_ns == 2_000_000_000


def test_missing_mirror_file_names_the_path(mirror_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match=r"Omni-Math\.jsonl is not in the mirror"):
        prepare_benchmark("omni-math", tmp_path, mirror_dir)
    assert not (tmp_path / "omni-math").exists()


def test_ensure_prepared_uses_existing_file_without_fetching(tmp_path: Path) -> None:
    path = output_path("aime24", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('{"id": "x", "problem": "p", "expected_answer": "1"}\n')
    # A mirror that does not exist would make any fetch fail.
    assert ensure_prepared("aime24", tmp_path, tmp_path / "no-mirror") == path


def test_ensure_prepared_finds_another_name_of_the_benchmark(tmp_path: Path) -> None:
    legacy = tmp_path / "hendrycks_math" / "test.jsonl"
    legacy.parent.mkdir(parents=True)
    legacy.write_text('{"id": "x", "problem": "p", "expected_answer": "1"}\n')
    assert ensure_prepared("math", tmp_path, tmp_path / "no-mirror") == legacy


def test_ensure_prepared_prepares_when_missing(mirror_dir: Path, tmp_path: Path) -> None:
    path = ensure_prepared("amc23", tmp_path, mirror_dir)
    assert path == tmp_path / "amc23" / "test.jsonl"
    assert len(list(iter_jsonl(path))) == 40


def test_alias_gets_its_own_folder_and_env_defaults(
    mirror_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NSKIT_DATA_DIR", str(tmp_path / "env-data"))
    monkeypatch.setenv("NSKIT_MIRROR", str(mirror_dir))
    result = prepare_benchmark("hendrycks_math")
    assert result.path == tmp_path / "env-data" / "hendrycks_math" / "test.jsonl"
    assert result.records == 5000

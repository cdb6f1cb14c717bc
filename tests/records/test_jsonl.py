"""JSONL reading errors name file and line; atomic writes leave old or new content, never a torn file."""

from __future__ import annotations

from pathlib import Path

import pytest

from nskit.records import RecordFileError, iter_jsonl, read_jsonl, write_jsonl
from nskit.records.atomic import atomic_writer


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text('{"a": 1}\n\n{"a": 2\n{"a": 3}\n')
    with pytest.raises(RecordFileError) as info:
        list(iter_jsonl(path))
    assert info.value.line == 3
    assert f"{path}:3: malformed JSON" in str(info.value)


def test_non_object_and_bad_encoding(tmp_path: Path) -> None:
    path = tmp_path / "list.jsonl"
    path.write_text('{"a": 1}\n[1, 2]\n')
    with pytest.raises(RecordFileError, match=r"list.jsonl:2: expected a JSON object, got list"):
        list(iter_jsonl(path))
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"a": "ok"}\n{"a": "caf\xe9"}\n'.encode("latin-1"))
    with pytest.raises(RecordFileError, match=r"latin.jsonl:2: not valid UTF-8"):
        list(iter_jsonl(latin))


def test_required_fields_and_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text('{"problem": "p", "expected_answer": "1"}\n\n{"problem": "q"}\n')
    with pytest.raises(RecordFileError, match=r"data.jsonl:3: missing required field\(s\) \['expected_answer'\]"):
        read_jsonl(path, required=("problem", "expected_answer"))
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(RecordFileError, match="holds no records"):
        read_jsonl(empty)


def test_torn_tail_is_tolerated_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "partial"
    path.write_text('{"a": 1}\n{"a": 2, "b"')
    assert list(iter_jsonl(path, allow_torn_tail=True)) == [{"a": 1}]
    with pytest.raises(RecordFileError):
        list(iter_jsonl(path))


def test_atomic_write_keeps_old_content_on_error(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    write_jsonl(path, [{"a": 1}])
    before = path.read_bytes()

    def records():
        yield {"a": 2}
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_jsonl(path, records())
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temp file left behind
    with atomic_writer(path) as handle:
        handle.write("new\n")
    assert path.read_text() == "new\n"


def test_atomic_write_mode_follows_umask_and_existing_file(tmp_path: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.jsonl"
        write_jsonl(fresh, [{"a": 1}])
        assert fresh.stat().st_mode & 0o777 == 0o644
        fresh.chmod(0o640)
        write_jsonl(fresh, [{"a": 2}])
        assert fresh.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)

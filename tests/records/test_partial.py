"""The partial file: append, torn tail cut on reopen, settings fingerprint, atomic finalize."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nskit.records import PartialOutput, RecordFileError, iter_jsonl


def test_resume_cuts_torn_tail_and_finalizes_in_order(tmp_path: Path) -> None:
    final = tmp_path / "output.jsonl"
    partial = PartialOutput(final, {"model": "m"})
    partial.open()
    partial.append(2, {"x": 2})
    partial.append(0, {"x": 0})
    partial.close()
    with open(partial.path, "ab") as handle:  # a writer killed mid-line
        handle.write(b'{"x": 1, "_async_pos')
    reopened = PartialOutput(final, {"model": "m"})
    assert sorted(reopened.load()) == [0, 2]
    reopened.open()
    reopened.append(1, {"x": 1})
    assert reopened.finalize(3) == 3
    assert [r["x"] for r in iter_jsonl(final)] == [0, 1, 2]
    assert all("_async_position" not in r for r in iter_jsonl(final))
    assert not partial.path.exists() and not partial.meta_path.exists()


def test_duplicate_positions_keep_the_first(tmp_path: Path) -> None:
    partial = PartialOutput(tmp_path / "o.jsonl")
    partial.open()
    partial.append(0, {"x": "first"})
    partial.append(0, {"x": "second"})
    partial.close()
    assert partial.load()[0]["x"] == "first"


def test_other_settings_are_refused(tmp_path: Path) -> None:
    final = tmp_path / "output-rs0.jsonl"
    first = PartialOutput(final, {"temperature": 0.7})
    first.open()
    first.append(0, {"x": 0})
    first.close()
    with pytest.raises(RecordFileError, match="other settings .changed: temperature"):
        PartialOutput(final, {"temperature": 0.2}).load()


def test_finalize_refuses_missing_records(tmp_path: Path) -> None:
    final = tmp_path / "o.jsonl"
    partial = PartialOutput(final)
    partial.open()
    partial.append(0, {"x": 0})
    with pytest.raises(RecordFileError, match="1 record.s. missing, first \\[1\\]"):
        partial.finalize(2)
    assert not final.exists()
    assert json.loads(partial.path.read_text())["x"] == 0


def test_a_failed_record_is_superseded_by_its_retry(tmp_path: Path) -> None:
    partial = PartialOutput(tmp_path / "o.jsonl")
    partial.open()
    partial.append(0, {"x": "failed", "error": "http_500"})
    partial.append(0, {"x": "retried"})
    partial.append(0, {"x": "later duplicate"})
    partial.close()
    assert partial.load()[0]["x"] == "retried"

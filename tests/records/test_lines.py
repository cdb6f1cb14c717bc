"""Random access by byte offset: offsets match iter_numbered's records, blank lines skipped, errors name the file."""

from __future__ import annotations

import pytest

from nskit.records import RecordFileError, iter_jsonl
from nskit.records.lines import line_offsets, read_record_at, read_records_at


def test_offsets_point_at_the_records_iter_jsonl_yields(tmp_path):
    path = tmp_path / "out.jsonl"
    long = "x" * 500
    path.write_bytes(b'{"a": 1}\n\n   \n{"a": 2, "t": "' + long.encode() + b'"}\n{"a": "\xc3\xa9"}')
    offsets = line_offsets(path.read_bytes())
    assert len(offsets) == 3
    assert read_records_at(path, offsets) == list(iter_jsonl(path))
    assert read_record_at(path, offsets[2]) == {"a": "é"}


def test_a_stale_offset_is_an_error_naming_file_and_byte(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text('{"a": 1}\n{"a": 2}\n')
    with pytest.raises(RecordFileError, match=r"out.jsonl: record at byte 3: malformed JSON"):
        read_record_at(path, 3)
    with pytest.raises(RecordFileError, match="no record at byte 18"):
        read_record_at(path, 18)


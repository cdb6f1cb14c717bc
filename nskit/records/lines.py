"""Random access to the records of a JSONL file: where each record's line starts, and one record read by offset.

Readers that keep an index (the results browser) read a file once, remember the byte offset of each record, and
later read one record without scanning the file again. Offsets count non-blank lines, so record `i` of
`iter_numbered` and `line_offsets(...)[i]` are the same line.
"""

from __future__ import annotations

from pathlib import Path

from nskit.records.errors import RecordFileError
from nskit.records.jsonl import Record, parse_line

_SHORT = 64
"""Only lines this short can be blank: longer ones are not stripped (no copy of a long generation)."""


def line_offsets(data: bytes) -> list[int]:
    """Byte offsets of the non-blank lines of a JSONL file's content, in order."""
    offsets = []
    start, size = 0, len(data)
    find = data.find
    while start < size:
        end = find(b"\n", start)
        if end < 0:
            end = size
        if end - start > _SHORT or data[start:end].strip():
            offsets.append(start)
        start = end + 1
    return offsets


def read_bytes(path: str | Path) -> bytes:
    """The whole content of a data or output file (a missing file raises `RecordFileError` naming it)."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise RecordFileError(path, None, "file not found") from None


def read_record_at(path: str | Path, offset: int) -> Record:
    """The record whose line starts at byte `offset` of `path`."""
    return read_records_at(path, [offset])[0]


def read_records_at(path: str | Path, offsets: list[int]) -> list[Record]:
    """The records whose lines start at the byte `offsets` of one file, read through one open handle.

    A line that is not a record (the file was replaced since it was indexed) raises `RecordFileError` naming
    the file and the byte offset.
    """
    records = []
    with open(path, "rb") as handle:
        for offset in offsets:
            handle.seek(offset)
            raw = handle.readline()
            if not raw.strip():
                raise RecordFileError(path, None, f"no record at byte {offset} (the file changed since it was indexed?)")
            try:
                records.append(parse_line(raw, path, None))
            except RecordFileError as exc:
                raise RecordFileError(path, None, f"record at byte {offset}: {exc.message}") from None
    return records

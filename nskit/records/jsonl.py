"""Streaming JSONL reading and atomic JSONL writing, with errors that name file and line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from nskit.records.atomic import atomic_writer
from nskit.records.errors import RecordFileError

Record = dict[str, Any]

_LINE = orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS


def dumps(record: Record) -> str:
    """One record as one JSON line (no trailing newline); non-ASCII kept as is."""
    return json.dumps(record, ensure_ascii=False)


def dump_line(record: Record) -> bytes:
    """One record as one UTF-8 JSON line with its newline (compact; orjson, about 10x `dumps`)."""
    try:
        return orjson.dumps(record, option=_LINE)
    except TypeError:  # what orjson cannot write but json can (integers beyond 64 bits)
        return (dumps(record) + "\n").encode("utf-8")


def iter_jsonl(path: str | Path, *, allow_torn_tail: bool = False) -> Iterator[Record]:
    """Yield the records of a JSONL file one by one (see `iter_numbered`)."""
    for _, record in iter_numbered(path, allow_torn_tail=allow_torn_tail):
        yield record


def iter_numbered(path: str | Path, *, allow_torn_tail: bool = False) -> Iterator[tuple[int, Record]]:
    """Yield `(line number, record)` for each record of a JSONL file; blank lines are skipped.

    A malformed line, a line that is not a JSON object, or bytes that are not UTF-8 raise `RecordFileError`
    naming the file and line. With `allow_torn_tail`, a last line without its newline that does not parse
    (the trace of a writer killed mid-line, possibly mid-character) is ignored instead: used for append-only
    partial files.
    """
    path = Path(path)
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = parse_line(raw, path, number)
            except RecordFileError:
                if allow_torn_tail and not raw.endswith(b"\n"):  # only the last line can lack its newline
                    return
                raise
            yield number, record


def parse_line(raw: bytes, path: str | Path, number: int | None) -> Record:
    """One JSONL line as a record; `RecordFileError` naming `path` and line `number` when it is not one."""
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass  # the standard library decides: it reads a few things orjson refuses (NaN) and words the error
    else:
        if isinstance(record, dict):
            return record
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordFileError(path, number, f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordFileError(path, number, f"malformed JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(record, dict):
        raise RecordFileError(path, number, f"expected a JSON object, got {type(record).__name__}")
    return record


def read_jsonl(path: str | Path, *, required: Sequence[str] = ()) -> list[Record]:
    """Read a whole JSONL file; every record must have the `required` fields (error names file and line)."""
    records = []
    for number, record in iter_numbered(path):
        missing = [key for key in required if record.get(key) in (None, "")]
        if missing:
            raise RecordFileError(path, number, f"missing required field(s) {missing}")
        records.append(record)
    if not records:
        raise RecordFileError(path, None, "file holds no records")
    return records


def jsonl_bytes(records: Iterable[Record]) -> bytes:
    """The exact bytes of a JSONL file holding `records`: one JSON object per line, UTF-8."""
    return "".join(dumps(record) + "\n" for record in records).encode("utf-8")


def write_jsonl(path: str | Path, records: Iterable[Record]) -> int:
    """Write records to `path` atomically (temp file + rename); returns how many were written."""
    count = 0
    with atomic_writer(path, "wb", encoding=None) as handle:
        for record in records:
            handle.write(dump_line(record))
            count += 1
    return count

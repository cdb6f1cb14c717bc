"""The only code that reads and writes data and output files: JSONL streaming, atomic replace, resume state."""

from nskit.records import layout, schema
from nskit.records.atomic import (
    atomic_directory,
    atomic_write_bytes,
    atomic_write_text,
    atomic_writer,
    write_if_changed,
)
from nskit.records.errors import RecordFileError
from nskit.records.jsonl import (
    Record,
    dump_line,
    dumps,
    iter_jsonl,
    iter_numbered,
    jsonl_bytes,
    read_jsonl,
    write_jsonl,
)
from nskit.records.layout import partial_path
from nskit.records.partial import POSITION_KEY, PartialOutput

__all__ = [
    "POSITION_KEY",
    "PartialOutput",
    "Record",
    "RecordFileError",
    "atomic_directory",
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_writer",
    "dump_line",
    "dumps",
    "iter_jsonl",
    "iter_numbered",
    "jsonl_bytes",
    "layout",
    "partial_path",
    "read_jsonl",
    "schema",
    "write_if_changed",
    "write_jsonl",
]

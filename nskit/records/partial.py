"""The resumable partial file that lives beside a final output file while work is in progress.

Layout (NeMo-Skills compatible, names in `records.layout`): finished records are appended to `<final>-async`, each with `_async_position`
(its input line index). A `kill -9` can at worst leave a torn last line, which is cut off when the file is
reopened (a complete last record that only lacks its newline keeps it). When every position is present, the records are written to `<final>` in input order by atomic rename
and the partial file is removed. A sidecar `<final>-async.meta.json` remembers the settings the partial was made
with, so a resume with other settings is refused instead of mixing two runs in one file.
"""

from __future__ import annotations

import json
import os
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nskit.records.atomic import atomic_write_text, atomic_writer
from nskit.records.errors import RecordFileError
from nskit.records.jsonl import Record, dump_line, iter_numbered, parse_line, write_jsonl
from nskit.records.layout import meta_path, partial_path

POSITION_KEY = "_async_position"


@dataclass
class PartialIndex:
    """Where each position's record lies in the partial file, without holding the records (8 bytes a position).

    `offsets[p]` is the byte offset of the line that counts for position p (-1: not there), `lengths[p]` its
    length, `failed[p]` 1 when that record carries `error`.
    """

    offsets: array
    lengths: array
    failed: bytearray

    @classmethod
    def empty(cls, total: int) -> PartialIndex:
        """No position present."""
        return cls(array("q", [-1]) * total, array("l", [0]) * total, bytearray(total))

    def present(self) -> int:
        """How many positions have a record."""
        return len(self.offsets) - self.offsets.count(-1)


class PartialOutput:
    """Append-only store of finished records for one final output file."""

    def __init__(self, final: str | Path, fingerprint: dict[str, Any] | None = None, *, path: Path | None = None) -> None:
        self.final = Path(final)
        self.path = path if path is not None else partial_path(self.final)  # another job's store beside the same file
        self.meta_path = meta_path(self.path)
        self.fingerprint = fingerprint or {}
        self._fd: int | None = None

    # -- reading -------------------------------------------------------------------------------------------
    def load(self) -> dict[int, Record]:
        """Finished records by position; checks the settings fingerprint, then repairs a torn tail of the file.

        The file is only changed once every line before the tail has been read: bad input raises
        `RecordFileError` (file and line) and leaves the file as it was.
        """
        if not self.path.exists():
            return {}
        self._check_fingerprint()
        done: dict[int, Record] = {}
        for line, record in iter_numbered(self.path, allow_torn_tail=True):
            position = record.get(POSITION_KEY)
            if not isinstance(position, int) or isinstance(position, bool) or position < 0:
                raise RecordFileError(self.path, line, f"record without a non-negative integer {POSITION_KEY}")
            earlier = done.get(position)
            # A good record is final (first wins); a failed one may be superseded by its retry (--retry_errors).
            if earlier is None or earlier.get("error"):
                done[position] = record
        self._repair_tail()
        return done

    def scan(self, total: int) -> PartialIndex:
        """`load` for big files: the same checks and tail repair, but an index of the records instead of them."""
        index = PartialIndex.empty(total)
        if not self.path.exists():
            return index
        self._check_fingerprint()
        with open(self.path, "rb") as handle:
            offset = 0
            for number, raw in enumerate(handle, start=1):
                start, offset = offset, offset + len(raw)
                if not raw.strip():
                    continue
                try:
                    record = parse_line(raw, self.path, number)
                except RecordFileError:
                    if not raw.endswith(b"\n"):  # a torn tail: cut off below
                        break
                    raise
                position = record.get(POSITION_KEY)
                if not isinstance(position, int) or isinstance(position, bool) or position < 0:
                    raise RecordFileError(self.path, number, f"record without a non-negative integer {POSITION_KEY}")
                if position >= total:
                    raise RecordFileError(self.path, number, f"{POSITION_KEY} {position} is beyond the {total} "
                                          "input records; pass --rerun_done to start over")
                # A good record is final (first wins); a failed one may be superseded by its retry (--retry_errors).
                if index.offsets[position] < 0 or index.failed[position]:
                    index.offsets[position], index.lengths[position] = start, len(raw)
                    index.failed[position] = 1 if record.get("error") else 0
        self._repair_tail()
        return index

    def _check_fingerprint(self) -> None:
        if not self.meta_path.exists() or not self.fingerprint:
            return
        try:
            saved = json.loads(self.meta_path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RecordFileError(self.meta_path, None, f"unreadable settings sidecar ({exc}); delete it to resume") from None
        if saved != json.loads(json.dumps(self.fingerprint)):
            changed = sorted(k for k in set(saved) | set(self.fingerprint) if saved.get(k) != self.fingerprint.get(k))
            raise RecordFileError(
                self.path,
                None,
                f"partial output was made with other settings (changed: {', '.join(changed)}); "
                "rerun with the same settings, or delete it (or pass --rerun_done) to start over",
            )

    def _repair_tail(self) -> None:
        """End the file with a newline: a complete last record gets one, a torn one is cut off."""
        with open(self.path, "rb+") as handle:
            end = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, end - 1))
            if end == 0 or handle.read(1) == b"\n":
                return
            start, tail = end, b""
            while start > 0 and b"\n" not in tail:  # read back to the last newline, not the whole file
                start = max(0, start - 65536)
                handle.seek(start)
                tail = handle.read(end - start)
            start += tail.rfind(b"\n") + 1
            handle.seek(start)
            try:
                parse_line(handle.read(), self.path, 0)
            except RecordFileError:
                handle.truncate(start)
            else:
                handle.seek(0, os.SEEK_END)
                handle.write(b"\n")

    # -- writing -------------------------------------------------------------------------------------------
    def open(self) -> None:
        """Start appending (creates the file and its settings sidecar)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.meta_path.exists():
            self._write_meta()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def _write_meta(self) -> None:
        if self.fingerprint:
            atomic_write_text(self.meta_path, json.dumps(self.fingerprint, indent=1, sort_keys=True))

    def discard(self) -> None:
        """Remove the partial file and its sidecar (start over)."""
        self.path.unlink(missing_ok=True)
        self.meta_path.unlink(missing_ok=True)

    def seed(self, records: Mapping[int, Record] | Iterable[tuple[int, Record]]) -> None:
        """Create the partial file holding `records` (by position, or a stream of pairs) in one atomic write.

        A kill leaves either no partial file or the whole seed, never a partial file that lacks finished records.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._write_meta()
        pairs = sorted(records.items()) if isinstance(records, Mapping) else records
        write_jsonl(self.path, ({**record, POSITION_KEY: p} for p, record in pairs))

    def append(self, position: int, record: Record) -> None:
        """Persist one finished record; one write() per line so a killed process leaves at most a torn tail."""
        if self._fd is None:
            raise RuntimeError("PartialOutput.append before open()")
        os.write(self._fd, dump_line({**record, POSITION_KEY: position}))

    def close(self) -> None:
        """Stop appending; the data stays for a later resume or finalize."""
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None

    def finalize(self, total: int) -> int:
        """Write positions 0..total-1 in order to the final file atomically and remove the partial.

        Streams: one record at a time is read back (by its offset) and written, so memory stays flat.
        """
        self.close()
        index = self.scan(total)
        if index.present() < total:
            missing = [p for p in range(total) if index.offsets[p] < 0]
            raise RecordFileError(self.path, None, f"cannot finalize: {len(missing)} record(s) missing, first {missing[:5]}")
        fd = os.open(self.path, os.O_RDONLY)
        try:
            with atomic_writer(self.final, "wb", encoding=None) as out:
                for position in range(total):
                    raw = os.pread(fd, index.lengths[position], index.offsets[position])
                    record = parse_line(raw, self.path, 0)
                    del record[POSITION_KEY]
                    out.write(dump_line(record))
        finally:
            os.close(fd)
        self.path.unlink()
        self.meta_path.unlink(missing_ok=True)
        return total

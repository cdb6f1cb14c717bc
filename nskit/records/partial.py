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
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from nskit.records.atomic import atomic_write_text
from nskit.records.errors import RecordFileError
from nskit.records.jsonl import Record, dumps, iter_numbered, parse_line, write_jsonl
from nskit.records.layout import meta_path, partial_path

POSITION_KEY = "_async_position"


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
            data = handle.read()
            if not data or data.endswith(b"\n"):
                return
            start = data.rfind(b"\n") + 1
            try:
                parse_line(data[start:], self.path, 0)
            except RecordFileError:
                handle.truncate(start)
            else:
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

    def seed(self, records: dict[int, Record]) -> None:
        """Create the partial file holding `records` (by position) in one atomic write.

        A kill leaves either no partial file or the whole seed, never a partial file that lacks finished records.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._write_meta()
        write_jsonl(self.path, ({**record, POSITION_KEY: p} for p, record in sorted(records.items())))

    def append(self, position: int, record: Record) -> None:
        """Persist one finished record; one write() per line so a killed process leaves at most a torn tail."""
        if self._fd is None:
            raise RuntimeError("PartialOutput.append before open()")
        line = (dumps({**record, POSITION_KEY: position}) + "\n").encode("utf-8")
        os.write(self._fd, line)

    def close(self) -> None:
        """Stop appending; the data stays for a later resume or finalize."""
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None

    def finalize(self, total: int) -> int:
        """Write positions 0..total-1 in order to the final file atomically and remove the partial."""
        self.close()
        done = self.load()
        missing = [p for p in range(total) if p not in done]
        if missing:
            raise RecordFileError(self.path, None, f"cannot finalize: {len(missing)} record(s) missing, first {missing[:5]}")
        count = write_jsonl(self.final, _strip_positions(done[p] for p in range(total)))
        self.path.unlink()
        self.meta_path.unlink(missing_ok=True)
        return count


def _strip_positions(records: Iterable[Record]) -> Iterator[Record]:
    for record in records:
        yield {k: v for k, v in record.items() if k != POSITION_KEY}

"""Errors raised for bad input files: they always name the file and, where known, the line."""

from __future__ import annotations

from pathlib import Path

from nskit.errors import UserError


class RecordFileError(UserError):
    """A data or output file that cannot be used as it is (malformed line, missing field, bad encoding)."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {message}")

"""The tail of a child's log, for error messages."""

from __future__ import annotations

from pathlib import Path


def log_tail(path: str | Path | None, lines: int = 40) -> str:
    """The last `lines` lines of a log file (read from its last 64 kB)."""
    if path is None or not Path(path).exists():
        return "(no log written)"
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        handle.seek(max(0, handle.tell() - 64_000))
        text = handle.read().decode("utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"

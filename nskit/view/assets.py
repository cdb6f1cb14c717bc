"""The page itself (HTML, scripts, styles) and the data scripts it loads; shared by the server and the export.

The page loads each payload as a script, `data/<path>.js`, that calls `NS.receive(path, payload)`: that works
from a local server and from files opened straight from disk (where browsers refuse fetch()).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import msgspec

STATIC = Path(__file__).parent / "static"
"""index.html, the page's scripts and styles, and vendor/ (KaTeX, marked, DOMPurify: no CDN)."""

_ENCODER = msgspec.json.Encoder()


def data_script(path: str, payload: object) -> bytes:
    """The script that hands `payload` for data path `path` to the page."""
    return b"NS.receive(" + _ENCODER.encode(path) + b"," + _ENCODER.encode(payload) + b");\n"


def failure_script(path: str, message: str) -> bytes:
    """The script that tells the page why `path` has no data (shown on the page instead of a blank)."""
    return b"NS.fail(" + _ENCODER.encode(path) + b"," + _ENCODER.encode(message) + b");\n"


def static_file(relative: str) -> Path | None:
    """The packaged file at `relative` under static/, or None (also for paths that leave static/)."""
    candidate = (STATIC / relative).resolve()
    if STATIC.resolve() not in candidate.parents or not candidate.is_file():
        return None
    return candidate


def static_files() -> Iterator[tuple[str, Path]]:
    """(relative path, file) for every packaged page file."""
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            yield path.relative_to(STATIC).as_posix(), path

"""Atomic file replacement: readers see the old file or the new one, never a torn one (even after kill -9)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def fsync_dir(directory: Path) -> None:
    """Flush a directory entry so that a rename inside it survives a power loss."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _temp_prefix(path: Path) -> str:
    """Hidden sibling prefix naming the writer (host and pid), so a later writer can tell a dead one's debris."""
    return f".{path.name}.{socket.gethostname()}-{os.getpid()}-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def clear_debris(path: Path) -> list[Path]:
    """Remove the temporary siblings of `path` that a writer on this host left when it was killed (kill -9 between
    creating and renaming them); those of live writers and of other hosts are kept. The ones removed."""
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.{re.escape(socket.gethostname())}-(\d+)-[^/]*\.tmp$")
    removed = []
    if not path.parent.is_dir():
        return removed
    for sibling in path.parent.iterdir():
        match = pattern.match(sibling.name)
        if match and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1))):
            if sibling.is_dir():
                shutil.rmtree(sibling, ignore_errors=True)
            else:
                sibling.unlink(missing_ok=True)
            removed.append(sibling)
    return removed


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary sibling of `path` for writing; on clean exit fsync it and rename it over `path`.

    On an exception the temporary file is removed and `path` is left untouched; one left by a writer that was
    killed is removed by the next writer of `path` (`clear_debris`).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clear_debris(path)
    fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        # mkstemp creates 0600; keep the mode a plain open() would give (or the replaced file's), for shared clusters.
        os.fchmod(fd, path.stat().st_mode & 0o7777 if path.exists() else _default_mode())
        kwargs = {"encoding": encoding} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Replace `path` with `data` atomically."""
    with atomic_writer(path, "wb", encoding=None) as handle:
        handle.write(data)


def write_if_changed(path: str | Path, data: bytes) -> bool:
    """Replace `path` with `data` atomically unless it already holds exactly these bytes (then its mtime is kept,
    so readers that cache on mtime, and resumes keyed on the file, see no change); True when written."""
    path = Path(path)
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return False
    atomic_write_bytes(path, data)
    return True


def atomic_write_text(path: str | Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8) atomically."""
    with atomic_writer(path, "w") as handle:
        handle.write(text)


@contextlib.contextmanager
def atomic_directory(path: str | Path) -> Iterator[Path]:
    """Fill a temporary sibling directory; on clean exit it takes the place of `path` (an old `path` is removed).

    Readers see the old directory or the new one, never a half-written one; on an exception (or a kill) the
    temporary directory is removed (or left as a hidden `.<name>.*.tmp`) and `path` is left untouched. The files
    are not fsynced one by one (thousands of fsyncs take minutes): for derived trees such as `ns view --export`,
    which a power loss may leave to be written again.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clear_debris(path)
    staging = Path(tempfile.mkdtemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent))
    try:
        yield staging
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
            os.replace(path, old / path.name)
            os.replace(staging, path)
            shutil.rmtree(old)
        else:
            os.replace(staging, path)
        fsync_dir(path.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

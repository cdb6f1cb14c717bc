"""The index of a benchmark kept between `ns view` runs, outside the output dir (`NSKIT_CACHE`, else
~/.cache/nskit, under view/): reopening a large output dir skips reading its files again.

One cache file per benchmark folder; it is used only while every output file has the size and modification time
it had when indexed (and the same files exist), otherwise the index is rebuilt and the cache file replaced.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from pathlib import Path

from nskit.metrics.discovery import BenchmarkFiles
from nskit.records import atomic_write_bytes
from nskit.view.index import BenchmarkIndex, build_index

log = logging.getLogger(__name__)

VERSION = 2
"""Bumped when BenchmarkIndex changes shape: older cache files are then ignored."""


def cache_path(folder: Path) -> Path:
    """Where the index of the benchmark in `folder` is cached."""
    root = Path(os.environ.get("NSKIT_CACHE") or Path.home() / ".cache" / "nskit")
    digest = hashlib.sha256(f"{VERSION}:{folder.resolve()}".encode()).hexdigest()[:24]
    return root / "view" / f"{digest}.pickle"


def _load(path: Path) -> BenchmarkIndex | None:
    if not path.is_file():
        return None
    try:
        index = pickle.loads(path.read_bytes())
    except Exception as exc:  # noqa: BLE001 - any unreadable cache file only means "index again"
        log.info("ns view: ignoring unreadable index cache %s (%s)", path, exc)
        return None
    return index if isinstance(index, BenchmarkIndex) and index.is_fresh() else None


def cached_index(found: BenchmarkFiles) -> BenchmarkIndex:
    """The index of one benchmark: from the cache when its files did not change, else built and cached."""
    path = cache_path(found.folder)
    index = _load(path)
    if index is not None:
        return index
    index = build_index(found)
    try:
        atomic_write_bytes(path, pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError as exc:  # a read-only home still views; it only indexes again next time
        log.warning("ns view: could not cache the index in %s: %s", path, exc)
    return index

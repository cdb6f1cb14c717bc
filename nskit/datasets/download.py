"""Fetching pinned sources: from a local mirror (`DIR/<host>/<url path>`) or over HTTPS with retries.

Every byte that reaches a converter has been checked against its pin first.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from nskit.datasets.errors import ChecksumError, DownloadError
from nskit.datasets.types import Source
from nskit.records import atomic_writer

MIRROR_ENV = "NSKIT_MIRROR"
#: HTTP statuses worth another attempt; any other HTTP error fails at once.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
USER_AGENT = "nskit-prepare-data/0.1"


def resolve_mirror(mirror: str | Path | None) -> Path | None:
    """The mirror to use: the explicit argument, else `$NSKIT_MIRROR`, else None (download)."""
    if mirror is not None:
        return Path(mirror)
    from_env = os.environ.get(MIRROR_ENV)
    return Path(from_env) if from_env else None


def mirror_path(url: str, mirror: str | Path) -> Path:
    """Where `url` lives in a mirror: `<mirror>/<host>/<url path>` (query and fragment ignored)."""
    parts = urlsplit(url)
    path = PurePosixPath(unquote(parts.path))
    if not parts.netloc or ".." in path.parts:
        raise DownloadError(f"cannot map {url} into a mirror (needs a host and a path without '..')")
    return Path(mirror, parts.netloc, *path.parts[1:])


def file_digest(path: Path, kind: str) -> str:
    """Hex digest of a file: `sha256` of its bytes, or `git_blob` (SHA-1 of `blob <size>\\0` + bytes)."""
    if kind == "sha256":
        digest = hashlib.sha256()
    elif kind == "git_blob":
        digest = hashlib.sha1(usedforsecurity=False)
        digest.update(f"blob {path.stat().st_size}\0".encode())
    else:
        raise ValueError(f"unknown digest kind {kind!r}")
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(source: Source, path: Path) -> None:
    """Raise `ChecksumError` (naming the URL and both digests) unless `path` holds the pinned bytes."""
    for kind in ("sha256", "git_blob"):
        expected = getattr(source, kind)
        if expected:
            actual = file_digest(path, kind)
            if actual != expected.lower():
                raise ChecksumError(source.url, str(path), kind, expected, actual)


def fetch(
    source: Source,
    workdir: Path,
    *,
    mirror: str | Path | None = None,
    timeout: float = 60.0,
    attempts: int = 4,
    backoff: float = 2.0,
) -> Path:
    """A verified local copy of `source`: the mirror file itself, or a download into `workdir`.

    With a mirror nothing is downloaded: a file missing from the mirror is an error naming the path looked at.
    Downloads retry network errors and the statuses in `RETRY_STATUSES`, waiting `backoff * 2**i` seconds.
    """
    if mirror is not None:
        path = mirror_path(source.url, mirror)
        if not path.is_file():
            raise DownloadError(f"{source.url} is not in the mirror {mirror} (looked for {path})")
    else:
        path = workdir / f"{source.key}{PurePosixPath(urlsplit(source.url).path).suffix}"
        _download(source.url, path, timeout=timeout, attempts=attempts, backoff=backoff)
    verify(source, path)
    return path


def _download(url: str, dest: Path, *, timeout: float, attempts: int, backoff: float) -> None:
    """Stream `url` into `dest`, retrying transient failures; raise `DownloadError` when out of attempts."""
    last_error = "no attempt made"
    for attempt in range(attempts):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with (
                urllib.request.urlopen(request, timeout=timeout) as response,
                atomic_writer(dest, "wb", encoding=None) as out,
            ):
                shutil.copyfileobj(response, out, 1 << 20)
            return
        except urllib.error.HTTPError as exc:
            if exc.code not in RETRY_STATUSES:
                raise DownloadError(f"download of {url} failed: HTTP {exc.code} {exc.reason}") from None
            last_error = f"HTTP {exc.code} {exc.reason}"
        except (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError) as exc:
            last_error = str(getattr(exc, "reason", exc)) or type(exc).__name__
    raise DownloadError(f"download of {url} failed after {attempts} attempts: {last_error}")

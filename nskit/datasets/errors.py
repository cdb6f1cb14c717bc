"""Errors of the benchmark catalogue: each names what failed (benchmark, URL, file, record) and why."""

from __future__ import annotations

from nskit.errors import UserError


class DatasetError(UserError):
    """Base class: preparing a benchmark failed; the message says what to do about it."""


class UnknownBenchmarkError(DatasetError, KeyError):
    """A benchmark or group name that the catalogue does not know."""

    def __init__(self, name: str, known: list[str], close: list[str]) -> None:
        self.name = name
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        super().__init__(f"unknown benchmark {name!r}.{hint} Known: {', '.join(known)}")

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class ChecksumError(DatasetError):
    """Downloaded (or mirrored) bytes differ from the pinned digest."""

    def __init__(self, url: str, path: str, kind: str, expected: str, actual: str) -> None:
        self.url, self.kind, self.expected, self.actual = url, kind, expected, actual
        super().__init__(
            f"checksum mismatch for {url} (read from {path}): {kind} expected {expected}, got {actual}. "
            "The upstream file changed or the copy is corrupted; nothing was written."
        )


class DownloadError(DatasetError):
    """A source could not be fetched (network failure after retries, HTTP error, missing mirror file)."""


class ConversionError(DatasetError):
    """An upstream record that the adapter cannot turn into a benchmark record."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        super().__init__(f"{where}: {message}")


class UnknownSplitError(DatasetError, ValueError):
    """A split (e.g. `train`) that the benchmark's adapter does not know."""

    def __init__(self, name: str, split: str, known: tuple[str, ...]) -> None:
        self.name, self.split = name, split
        super().__init__(f"benchmark {name!r} has no split {split!r} (known: {', '.join(known)})")

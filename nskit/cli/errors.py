"""Turning expected failures into one clear line on stderr and a non-zero exit (no traceback)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import typer


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Report configuration and input errors as `ns: error: ...` with exit code 2."""
    from nskit.config.cluster import ClusterConfigError
    from nskit.config.overrides import OverrideError
    from nskit.datasets.errors import DatasetError
    from nskit.records.errors import RecordFileError

    try:
        yield
    except (OverrideError, ClusterConfigError, RecordFileError, DatasetError, FileNotFoundError, ValueError) as exc:
        print(f"ns: error: {exc}", file=sys.stderr)
        raise typer.Exit(2) from None

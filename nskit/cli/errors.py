"""Turning the user's errors into one clear line on stderr and a non-zero exit (no traceback).

Only `UserError` (and a missing file) is reported this way; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import typer


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Report configuration and input errors as `ns: error: ...` with exit code 2."""
    from nskit.errors import UserError

    try:
        yield
    except (UserError, FileNotFoundError) as exc:
        print(f"ns: error: {exc}", file=sys.stderr)
        raise typer.Exit(2) from None

"""Error classes shared by every layer.

`UserError` is what the user can fix (a bad option, a bad file, a missing key): the CLI prints its message on one
line, without a traceback, and exits 2. Anything else that escapes a command is a bug in nskit and is raised
with its traceback.
"""

from __future__ import annotations


class UserError(ValueError):
    """A problem with the user's input or setup, reported as one line `ns: error: <message>` (exit code 2).

    A ValueError, so that callers which validate input and catch ValueError keep working.
    """

"""The functions grading workers run, by name. Importing this module loads sympy and the LaTeX parser, which is
why the pool's forkserver preloads it: every worker starts warm."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import latex2sympy2_extended  # noqa: F401  (preloaded for the workers)
import math_verify.grader  # noqa: F401
import sympy  # noqa: F401

from nskit.grading.equality import check_equal
from nskit.grading.symbolic import to_sympy


def equal(expected: str, predicted: str | None) -> bool:
    """`check_equal` for one pair."""
    return check_equal(expected, predicted)


def _sleep(seconds: float) -> float:
    """Test helper: a task that takes `seconds` (the pool tests use it to exercise the timeout)."""
    time.sleep(seconds)
    return seconds


def _crash() -> None:
    """Test helper: the worker dies without answering."""
    os._exit(3)


def _raise(message: str) -> None:
    """Test helper: the task raises."""
    raise RuntimeError(message)


def _warm() -> None:
    # the first parse initialises the ANTLR parser tables; do it before forking workers
    to_sympy("x+1")


TASKS: dict[str, Callable[..., Any]] = {
    "equal": equal,
    "sleep": _sleep,
    "crash": _crash,
    "raise": _raise,
}
_warm()

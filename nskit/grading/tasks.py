"""The functions grading workers run, by name. Importing this module loads sympy and the LaTeX parser, which is
why the pool's forkserver preloads it: every worker starts warm. Other modules can add tasks to a pool of their
own (`WorkerPool(task_modules=...)`), as the tests do with `tests/grading/pool_tasks.py`."""

from __future__ import annotations

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


def _warm() -> None:
    # the first parse initialises the ANTLR parser tables; do it before forking workers
    to_sympy("x+1")


TASKS: dict[str, Callable[..., Any]] = {
    "equal": equal,
}
_warm()

"""Grading tasks that only the pool tests run: they sleep past a timeout, kill their worker, or raise.

A pool gets them with `WorkerPool(task_modules=[POOL_TASKS])`; production pools know only `nskit.grading.tasks`.
Kept free of heavy imports: the forkserver preloads this module beside the real tasks.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

POOL_TASKS = "tests.grading.pool_tasks"
"""This module's dotted name, as the workers import it."""


def sleep(seconds: float) -> float:
    """A task that takes `seconds` (exercises the timeout)."""
    time.sleep(seconds)
    return seconds


def crash() -> None:
    """The worker dies without answering."""
    os._exit(3)


def fail(message: str) -> None:
    """The task raises."""
    raise RuntimeError(message)


TASKS: dict[str, Callable[..., Any]] = {"sleep": sleep, "crash": crash, "raise": fail}

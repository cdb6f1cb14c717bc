"""Progress for long work, the one display every command uses: a live bar on a terminal, periodic plain lines in
logs and pipes, nothing when disabled."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator

log = logging.getLogger("nskit.progress")


class LineProgress:
    """Progress as log lines every `interval` seconds (and at the end), for output that is not a terminal."""

    def __init__(self, description: str, interval: float = 15.0) -> None:
        self.description = description
        self.interval = interval
        self.total: int | None = None
        self.done = 0
        self.started = time.monotonic()
        self._last = self.started

    def set_total(self, total: int) -> None:
        """Set how many items the work has."""
        self.total = total

    def advance(self, count: int = 1) -> None:
        """`count` more items finished."""
        self.done += count
        now = time.monotonic()
        if now - self._last >= self.interval or self.done == self.total:
            self._last = now
            self.report()

    def report(self) -> None:
        """Log the current state."""
        elapsed = time.monotonic() - self.started
        if self.total:
            rate = self.done / elapsed if elapsed else 0.0
            left = (self.total - self.done) / rate if rate else float("nan")
            log.info("%s: %d/%d (%.0f%%), %.0f s elapsed, ~%.0f s left", self.description, self.done, self.total,
                     100 * self.done / self.total, elapsed, left)
        else:
            log.info("%s: %d done, %.0f s elapsed", self.description, self.done, elapsed)


@contextlib.contextmanager
def progress(
    description: str, enabled: bool = True, lines: bool = True
) -> Iterator[tuple[Callable[[int], None], Callable[..., None]]]:
    """Yield `(set_total, advance)` callbacks driving a rich bar on a terminal, or log lines elsewhere (`advance`
    takes an optional count); with `enabled=False`, or off a terminal with `lines=False`, they do nothing."""
    from rich.console import Console

    if not enabled or not (lines or Console(stderr=True).is_interactive):
        yield (lambda total: None), (lambda count=1: None)
        return
    if not Console(stderr=True).is_interactive:
        logged = LineProgress(description)
        yield logged.set_total, logged.advance
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=None)
        yield (lambda total: bar.update(task, total=total)), (lambda count=1: bar.advance(task, count))

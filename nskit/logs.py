"""Logging to the console and to a file: every command's messages also land in the run's log directory."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

LOG_FILE_ENV = "NSKIT_LOG_FILE"


def setup_logging(log_file: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Log to stderr (rich) and, when given or set in NSKIT_LOG_FILE, to a file; returns the file used."""
    from rich.logging import RichHandler

    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    if sys.stderr.isatty():
        console: logging.Handler = RichHandler(show_path=False, show_time=False, markup=False)
    else:  # a pipe or a file: plain unwrapped lines, easy to grep
        console = logging.StreamHandler()
        console.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    console.setLevel(level)
    root.addHandler(console)
    chosen = log_file or (Path(os.environ[LOG_FILE_ENV]) if os.environ.get(LOG_FILE_ENV) else None)
    if chosen is not None:
        chosen.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(chosen, encoding="utf-8")
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(file_handler)
    for noisy in ("httpx", "httpx2", "openai", "httpcore", "httpcore2"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return chosen

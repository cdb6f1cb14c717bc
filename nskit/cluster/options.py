"""What the user asked of a run besides the plan itself (shared by every executor)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class RunOptions:
    """Run-time choices: where logs go, print or run, wait for completion, ordering after other runs."""

    log_dir: Path
    dry_run: bool = False
    wait: bool = False
    run_after: list[str] = field(default_factory=list)
    partition: str | None = None
    poll_seconds: float = 5.0

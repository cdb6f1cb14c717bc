"""What `ns prepare_data` does: prepare several benchmarks with progress and a summary, or list the catalogue."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from nskit.datasets.download import resolve_mirror
from nskit.datasets.errors import DatasetError
from nskit.datasets.prepare import describe, prepare_benchmark, resolve_data_dir
from nskit.datasets.registry import (
    get_benchmark,
    list_benchmarks,
    list_groups,
    resolve_names,
)

if TYPE_CHECKING:
    from rich.console import Console


def prepare_many(
    names: list[str],
    data_dir: str | Path | None = None,
    mirror: str | Path | None = None,
    console: Console | None = None,
    split: str | None = None,
) -> int:
    """Prepare every named benchmark (groups expanded) on `split` (None: each one's default split); go on after a
    failure; return the exit code (0 or 1).

    Prints one line per benchmark (written / up to date / failed and why) and a one-line summary.
    """
    from rich.console import Console

    console = console or Console()
    errors = Console(stderr=True)
    try:
        selected = resolve_names(names)
    except DatasetError as exc:
        errors.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        return 1
    root, source = resolve_data_dir(data_dir), resolve_mirror(mirror)
    counts = {"written": 0, "up to date": 0, "failed": 0}
    started = time.monotonic()
    for name in selected:
        with console.status(f"preparing {name} from {source or 'upstream'} ..."):
            try:
                result = prepare_benchmark(name, root, source, split)
            except DatasetError as exc:
                counts["failed"] += 1
                errors.print(f"[red]{name}: failed:[/red] {exc}", highlight=False, soft_wrap=True)
                continue
        counts["written" if result.changed else "up to date"] += 1
        console.print(describe(result), highlight=False, soft_wrap=True)
    summary = ", ".join(f"{count} {state}" for state, count in counts.items() if count)
    elapsed = time.monotonic() - started
    console.print(f"prepare_data: {summary} in {elapsed:.1f} s (data dir {root})", highlight=False, soft_wrap=True)
    return 1 if counts["failed"] else 0


def print_catalogue(console: Console | None = None) -> None:
    """A table of every benchmark (size, splits, source, aliases, description), then the groups."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    table = Table(title="benchmarks")
    for column in ("name", "size", "splits", "source", "aliases", "description"):
        table.add_column(column, justify="right" if column == "size" else "left", no_wrap=column != "description")
    for benchmark in list_benchmarks():
        table.add_row(
            benchmark.name,
            str(benchmark.size),
            ", ".join(benchmark.splits),
            benchmark.source_label,
            ", ".join(benchmark.aliases),
            benchmark.description,
        )
    console.print(table)
    for group, members in list_groups().items():
        total = sum(get_benchmark(member).size for member in members)
        console.print(f"group {group}: {', '.join(members)} ({total} problems)", highlight=False, soft_wrap=True)

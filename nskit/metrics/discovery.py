"""Finding benchmarks and their output files: a dir holding eval-results/, a dir of benchmark folders, or one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

GREEDY = "output.jsonl"
_SEED_FILE = re.compile(r"^output-rs(\d+)\.jsonl$")


@dataclass
class BenchmarkFiles:
    """The final output files of one benchmark folder (chunks and in-progress files are not final)."""

    name: str
    folder: Path
    greedy: Path | None = None
    seeds: list[tuple[int, Path]] = field(default_factory=list)
    """(seed, path), ordered by seed number (rs2 before rs10)."""


def benchmark_files(folder: Path) -> BenchmarkFiles:
    """The greedy and seed files of one benchmark folder."""
    found = BenchmarkFiles(name=folder.name, folder=folder)
    if (folder / GREEDY).is_file():
        found.greedy = folder / GREEDY
    for path in folder.iterdir():
        match = _SEED_FILE.match(path.name)
        if match and path.is_file():
            found.seeds.append((int(match.group(1)), path))
    found.seeds.sort()
    return found


def _has_outputs(folder: Path) -> bool:
    files = benchmark_files(folder)
    return files.greedy is not None or bool(files.seeds)


def results_root(root: Path) -> Path:
    """The folder the benchmarks of `root` are in (`root/eval-results` when present): where metrics.json goes."""
    return root / "eval-results" if (root / "eval-results").is_dir() else root


def find_benchmarks(root: Path) -> list[BenchmarkFiles]:
    """Benchmarks under `root`, sorted by name; raises FileNotFoundError naming what was looked for."""
    if not root.is_dir():
        raise FileNotFoundError(f"no such directory: {root}")
    base = results_root(root)
    if _has_outputs(base):
        return [benchmark_files(base)]
    folders = sorted(p for p in base.iterdir() if p.is_dir() and _has_outputs(p))
    if not folders:
        raise FileNotFoundError(
            f"no output.jsonl or output-rs*.jsonl in {base} or its sub-folders "
            "(expected <dir>/eval-results/<benchmark>/, <dir>/<benchmark>/ or one benchmark folder)"
        )
    return [benchmark_files(folder) for folder in folders]

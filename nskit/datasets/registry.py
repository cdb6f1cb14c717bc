"""Looking benchmarks up by name: the adapters registered in the top-level `benchmarks/` package.

`benchmarks/__init__.py` (importable as `nskit_benchmarks`) lists every adapter in `BENCHMARKS` and names groups
of them in `GROUPS`; this module indexes both, with aliases, and refuses clashing names.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass

from nskit.datasets.errors import DatasetError, UnknownBenchmarkError
from nskit.datasets.types import Benchmark


@dataclass(frozen=True)
class Catalogue:
    """Every benchmark (in registration order), every accepted name, and the groups."""

    benchmarks: tuple[Benchmark, ...]
    by_name: dict[str, Benchmark]
    groups: dict[str, tuple[str, ...]]


@functools.cache
def catalogue() -> Catalogue:
    """Load and index the registered adapters once per process."""
    import nskit_benchmarks

    by_name: dict[str, Benchmark] = {}
    for benchmark in nskit_benchmarks.BENCHMARKS:
        for name in benchmark.names:
            if name in by_name:
                raise DatasetError(f"benchmark name {name!r} is registered twice ({by_name[name].name})")
            by_name[name] = benchmark
    groups = {group: tuple(members) for group, members in nskit_benchmarks.GROUPS.items()}
    for group, members in groups.items():
        if group in by_name:
            raise DatasetError(f"group {group!r} has the name of a benchmark")
        unknown = [member for member in members if member not in by_name]
        if unknown:
            raise DatasetError(f"group {group!r} lists unknown benchmarks {unknown}")
    return Catalogue(tuple(nskit_benchmarks.BENCHMARKS), by_name, groups)


def get_benchmark(name: str, split: str | None = None) -> Benchmark:
    """The adapter registered under `name` (canonical name or alias), seen on `split` (None: its default split).

    Unknown names suggest close ones; an unknown split names the known ones.
    """
    known = catalogue().by_name
    if name in known:
        return known[name].for_split(split)
    choices = [*known, *catalogue().groups]
    raise UnknownBenchmarkError(name, sorted(choices), difflib.get_close_matches(name, choices, n=3))


def list_benchmarks() -> list[Benchmark]:
    """Every registered adapter, in registration order."""
    return list(catalogue().benchmarks)


def list_groups() -> dict[str, tuple[str, ...]]:
    """Group name -> the benchmark names it stands for."""
    return dict(catalogue().groups)


def resolve_names(names: list[str] | tuple[str, ...]) -> list[str]:
    """Expand groups, check every name, drop repeats; order is kept and aliases stay as the user spelt them."""
    groups = catalogue().groups
    resolved: dict[str, None] = {}
    for name in names:
        for member in groups.get(name, (name,)):
            get_benchmark(member)
            resolved[member] = None
    return list(resolved)

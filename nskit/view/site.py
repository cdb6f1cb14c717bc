"""The pages' data: one payload per data path, computed from the indexes; the server and the export share it.

Data paths (the page asks for `data/<path>.js`):
- `summary`: every run's benchmarks with their summarize tables;
- `r<run>/b<benchmark>/list`: the problem list of one benchmark;
- `r<run>/b<benchmark>/p<problem>`: one problem page;
- `r<run>/b<benchmark>/g<problem>`: its answers grouped by the grader (asked for by a button; not exported);
- `compare/b<benchmark>`: run 0 against run 1 for one benchmark (benchmark numbers are run 0's).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nskit.metrics.discovery import find_benchmarks
from nskit.metrics.render import table_cells
from nskit.view.compare import compare_payload
from nskit.view.fields import STATE_NAMES
from nskit.view.cache import cached_index
from nskit.view.index import BenchmarkIndex
from nskit.view.listing import list_payload
from nskit.view.problem import StaleIndex, grader_groups, problem_page


class NotFound(KeyError):
    """A data path that names nothing (unknown run, benchmark or problem)."""


@dataclass
class Run:
    """One output dir: its benchmarks, indexed on first use."""

    root: Path
    names: list[str] = field(default_factory=list)
    _found: list[Any] = field(default_factory=list, repr=False)
    _indexes: dict[int, BenchmarkIndex] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._found = find_benchmarks(self.root)
        self.names = [found.name for found in self._found]

    def index(self, number: int, *, rebuild: bool = False) -> BenchmarkIndex:
        """The index of benchmark `number` (built once; again with `rebuild`)."""
        if not 0 <= number < len(self._found):
            raise NotFound(f"{self.root} has no benchmark {number}")
        with self._lock:
            if rebuild or number not in self._indexes:
                self._indexes[number] = cached_index(self._found[number])
            return self._indexes[number]

    def number(self, name: str) -> int | None:
        """The number of the benchmark called `name`, or None."""
        return self.names.index(name) if name in self.names else None


_PATHS: list[tuple[re.Pattern[str], Callable[..., Any]]] = []


def _route(pattern: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def add(handler: Callable[..., Any]) -> Callable[..., Any]:
        _PATHS.append((re.compile(pattern), handler))
        return handler

    return add


class Site:
    """The runs being viewed (one, or two with --compare) and the payload of every data path."""

    def __init__(self, root: Path, compare: Path | None = None) -> None:
        self.runs = [Run(root)] + ([Run(compare)] if compare is not None else [])

    def payload(self, path: str) -> Any:
        """The data behind `path` (see the module docstring); NotFound when it names nothing."""
        for pattern, handler in _PATHS:
            match = pattern.fullmatch(path)
            if match:
                return handler(self, *(int(g) for g in match.groups()))
        raise NotFound(f"no data path {path!r}")

    def run(self, number: int) -> Run:
        """Run `number` (0: the output dir, 1: the one given with --compare)."""
        if not 0 <= number < len(self.runs):
            raise NotFound(f"no run {number}")
        return self.runs[number]

    def fresh_index(self, run: int, benchmark: int) -> BenchmarkIndex:
        """The index of a benchmark, rebuilt first when its files changed since it was built."""
        index = self.run(run).index(benchmark)
        return index if index.is_fresh() else self.run(run).index(benchmark, rebuild=True)

    def paths(self) -> Iterator[str]:
        """Every data path of the site (what an export writes)."""
        yield "summary"
        for number, run in enumerate(self.runs):
            for benchmark in range(len(run.names)):
                yield f"r{number}/b{benchmark}/list"
                for problem in range(run.index(benchmark).problems):
                    yield f"r{number}/b{benchmark}/p{problem}"
        if len(self.runs) == 2:
            for benchmark, name in enumerate(self.runs[0].names):
                if self.runs[1].number(name) is not None:
                    yield f"compare/b{benchmark}"

    @_route(r"summary")
    def summary(self) -> dict[str, Any]:
        """The overview: per run, per benchmark the summarize table (the CLI's cells), issues and warnings."""
        runs = []
        for number, run in enumerate(self.runs):
            benchmarks = []
            for position in range(len(run.names)):
                index = self.fresh_index(number, position)
                result = index.result
                benchmarks.append(
                    {
                        "name": result.name,
                        "table": table_cells(result),
                        "json": {row.name: row.as_json() for row in result.rows},
                        "issues": result.issues(),
                        "warnings": result.warnings,
                        "files": [f.label for f in index.files],
                        "problems": index.problems,
                    }
                )
            runs.append({"root": str(run.root), "benchmarks": benchmarks})
        return {"runs": runs, "states": STATE_NAMES}

    @_route(r"r(\d+)/b(\d+)/list")
    def problem_list(self, run: int, benchmark: int) -> dict[str, Any]:
        """One benchmark's problem list."""
        return list_payload(self.fresh_index(run, benchmark))

    @_route(r"r(\d+)/b(\d+)/p(\d+)")
    def problem(self, run: int, benchmark: int, problem: int) -> dict[str, Any]:
        """One problem page."""
        return self._problem(run, benchmark, problem, problem_page)

    @_route(r"r(\d+)/b(\d+)/g(\d+)")
    def grader(self, run: int, benchmark: int, problem: int) -> list[dict[str, Any]]:
        """A problem's answers grouped by the grader's equivalence (served only: an export leaves it out)."""
        return self._problem(run, benchmark, problem, grader_groups)

    def _problem(self, run: int, benchmark: int, problem: int, build: Callable[[BenchmarkIndex, int], Any]) -> Any:
        """`build(index, problem)`; the index is rebuilt once when a file changed under it."""
        try:
            return build(self.fresh_index(run, benchmark), problem)
        except StaleIndex:
            return build(self.run(run).index(benchmark, rebuild=True), problem)
        except KeyError as exc:
            raise NotFound(str(exc)) from None

    @_route(r"compare/b(\d+)")
    def compare(self, benchmark: int) -> dict[str, Any]:
        """Run 0 against run 1 for one benchmark (matched by name)."""
        if len(self.runs) < 2:
            raise NotFound("no --compare run")
        name = self.run(0).names[benchmark] if benchmark < len(self.run(0).names) else None
        other = self.run(1).number(name) if name is not None else None
        if other is None:
            raise NotFound(f"benchmark {name!r} is not in both runs")
        return compare_payload(self.fresh_index(0, benchmark), self.fresh_index(1, other), benchmark, other)

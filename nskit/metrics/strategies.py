"""Strategies at equal compute: one row per (benchmark, run) with accuracy and the mean budget per problem, and a
PNG of accuracy against generated tokens per problem, one line per strategy (points: its runs, by budget).

A run is one output file (`output.jsonl` of a `++strategy` run, or a plain greedy one, labelled `greedy`); runs
are found anywhere under the directory given, so a study keeps each strategy and budget in its own output dir.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nskit.errors import UserError
from nskit.records import atomic_write_bytes, iter_numbered, schema
from nskit.records.layout import partial_path

GREEDY = "greedy"


@dataclass
class StrategyRow:
    """One run of one strategy on one benchmark."""

    benchmark: str
    strategy: str
    run: str
    problems: int
    accuracy: float | None
    """Percent of problems with `symbolic_correct` (code: `passed`); None when the file is not graded."""
    requests: float
    generated_tokens: float
    input_tokens: float

    def cells(self) -> list[str]:
        """The row as printed."""
        accuracy = "-" if self.accuracy is None else f"{self.accuracy:.2f}"
        return [self.benchmark, self.strategy, self.run, str(self.problems), accuracy, f"{self.requests:.2f}",
                f"{self.generated_tokens:.1f}", f"{self.input_tokens:.1f}"]


HEADER = ["benchmark", "strategy", "run", "problems", "accuracy", "requests/problem", "gen tokens/problem",
          "input tokens/problem"]


def _run_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("output.jsonl") if p.parent.parent.name.endswith("eval-results"))


def read_row(path: Path, root: Path) -> StrategyRow | None:
    """The row of one output file; None when it is empty or its run is unfinished (a partial file beside it)."""
    if partial_path(path).exists():
        return None
    strategies, correct, graded, requests, generated, inputs, count = set(), 0, 0, 0, 0, 0, 0
    for _, record in iter_numbered(path):
        count += 1
        strategies.add(record.get(schema.STRATEGY, GREEDY))
        verdict = next((key for key in (schema.SYMBOLIC_CORRECT, schema.PASSED) if key in record), None)
        if verdict is not None:  # math: symbolic_correct; code: passed (the execution judge)
            graded += 1
            correct += bool(record[verdict])
        requests += record.get(schema.NUM_REQUESTS, 1)
        generated += record.get(schema.NUM_GENERATED_TOKENS) or 0
        inputs += record.get(schema.NUM_INPUT_TOKENS) or 0
    if not count:
        return None
    if len(strategies) > 1:
        raise UserError(f"{path}: records of several strategies ({', '.join(sorted(strategies))}) in one file")
    run_dir = path.parent.parent.parent
    run = str(run_dir.relative_to(root)) if run_dir.is_relative_to(root) and run_dir != root else "."
    return StrategyRow(path.parent.name, strategies.pop(), run, count, 100.0 * correct / count if graded else None,
                       requests / count, generated / count, inputs / count)


def strategy_rows(root: Path) -> list[StrategyRow]:
    """Rows of every finished run under `root` that used a strategy or that is compared with them (greedy)."""
    rows = [row for path in _run_files(root) if (row := read_row(path, root)) is not None]
    return sorted(rows, key=lambda r: (r.benchmark, r.strategy, r.generated_tokens))


def format_rows(rows: list[StrategyRow]) -> str:
    """A plain-text table."""
    table = [HEADER, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in table)


def plot_series(rows: list[StrategyRow]) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """benchmark -> strategy -> [(generated tokens per problem, accuracy)], sorted by tokens (graded runs only)."""
    series: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if row.accuracy is not None:
            series[row.benchmark][row.strategy].append((row.generated_tokens, row.accuracy))
    return {b: {s: sorted(points) for s, points in by.items()} for b, by in series.items()}


def save_budget_plot(rows: list[StrategyRow], path: Path) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """Write the PNG (one panel per benchmark, one line per strategy) atomically; returns the plotted data."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    series = plot_series(rows)
    if not series:
        raise UserError("nothing to plot: no graded strategy run (output.jsonl under */eval-results/*)")
    figure = Figure(figsize=(5.5 * len(series), 4.2), layout="constrained")
    axes = figure.subplots(1, len(series), squeeze=False)[0]
    for ax, (benchmark, by_strategy) in zip(axes, sorted(series.items())):
        for strategy, points in sorted(by_strategy.items()):
            ax.plot([x for x, _ in points], [y for _, y in points], marker="o", markersize=4, label=strategy)
        ax.set_xlabel("generated tokens per problem")
        ax.set_ylabel("accuracy, %")
        ax.set_title(benchmark)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    atomic_write_bytes(path, buffer.getvalue())
    return series


def describe(root: Path) -> Any:
    """The printed strategy table for `root`, or None when no run under it used a strategy."""
    rows = strategy_rows(root)
    if not any(row.strategy != GREEDY for row in rows):
        return None
    return format_rows(rows)

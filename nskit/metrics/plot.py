"""majority@k and pass@k against k, one panel per benchmark (matplotlib, Agg backend, imported here only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nskit.errors import UserError
from nskit.metrics.summary import BenchmarkResult
from nskit.records.layout import SEED_FILE_GLOB

_METRICS = (("majority", "majority@k"), ("pass", "pass@k"))
_COLUMNS = (("symbolic_correct", "-"), ("judge_correct", "--"))


def printed_ks(n: int) -> list[int]:
    """x ticks: powers of two up to n, and n itself."""
    ks, k = [], 1
    while k <= n:
        ks.append(k)
        k *= 2
    return sorted(set(ks) | {n}) if n else []


def build_figure(results: list[BenchmarkResult]) -> Any:
    """A figure with one panel per benchmark that has seed files and one line per metric (and judged column).

    Lines are labelled `<benchmark> <metric> <column>`; majority@1 is the first seed's accuracy.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    plotted = [r for r in results if r.seeds]
    if not plotted:
        raise UserError(f"nothing to plot: no benchmark has seed files ({SEED_FILE_GLOB})")
    figure = Figure(figsize=(5.5 * len(plotted), 4.2), layout="constrained")
    axes = figure.subplots(1, len(plotted), squeeze=False)[0]
    for ax, result in zip(axes, plotted):
        for kind, label in _METRICS:
            for column, style in _COLUMNS:
                ks, values = _series(result, kind, column)
                if ks:
                    ax.plot(ks, values, style, marker="o", markersize=3, label=f"{result.name} {label} {column}")
        ax.set_xscale("log", base=2)
        ticks = printed_ks(result.seeds)
        ax.set_xticks(ticks, [str(k) for k in ticks])
        ax.minorticks_off()
        ax.set_xlabel("k (samples)")
        ax.set_ylabel("accuracy, %")
        ax.set_title(result.name)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    return figure


def _series(result: BenchmarkResult, kind: str, column: str) -> tuple[list[int], list[float]]:
    """(k, value) along one metric; majority starts at k=1 with the first seed's average."""
    points = {}
    for row in result.rows:
        if column not in row.values:
            continue
        if row.kind == kind or (kind == "majority" and row.kind == "average" and row.k == 1):
            points[row.k] = row.values[column]
    ks = sorted(points)
    return ks, [points[k] for k in ks]


def save_plot(results: list[BenchmarkResult], path: Path) -> Any:
    """Write the figure as PNG (atomically) and return it."""
    import io

    from nskit.records import atomic_write_bytes

    figure = build_figure(results)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    atomic_write_bytes(path, buffer.getvalue())
    return figure

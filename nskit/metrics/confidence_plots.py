"""The PNG plots of `ns analyze_confidence` (matplotlib, Agg backend, imported here only)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from nskit.records import atomic_write_bytes


def _figure(panels: int = 1, width: float = 5.5) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width * panels, 4.2), layout="constrained")
    return figure, figure.subplots(1, panels, squeeze=False)[0]


def _save(figure: Any, path: Path) -> Path:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    atomic_write_bytes(path, buffer.getvalue())
    return path


def _bars(ax: Any, labels: list[str], rows: list[dict], xlabel: str) -> None:
    values = [r["accuracy"] if r["accuracy"] is not None else 0.0 for r in rows]
    bars = ax.bar(range(len(labels)), values, color="tab:blue")
    for bar, row in zip(bars, rows):
        ax.annotate(f"n={row['generations']}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize="x-small")
    ax.set_xticks(range(len(labels)), labels, fontsize="small")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("accuracy, %")
    ax.set_ylim(0, 105)
    ax.grid(True, axis="y", alpha=0.3)


def generation_plots(bench: dict, out_dir: Path) -> list[Path]:
    """Accuracy vs low-confidence steps and vs their mean rank; majority@k per confidence bin."""
    name = bench["benchmark"]
    figure, (left, right) = _figure(2)
    _bars(left, [r["low_confidence_steps"] for r in bench["by_low_count"]], bench["by_low_count"],
          f"low-confidence steps (top-1 p < {bench['threshold']:g})")
    left.set_title(f"{name}: accuracy vs low-confidence steps")
    _bars(right, [r["mean_rank"] for r in bench["by_low_rank"]], bench["by_low_rank"],
          "mean rank of the chosen token at low-confidence steps")
    right.set_title(f"{name}: accuracy vs rank at low confidence")
    written = [_save(figure, out_dir / f"{name}-low-confidence.png")]

    by_bin = bench["majority_by_confidence_bin"]
    figure, (ax,) = _figure()
    for row in by_bin["bins"]:
        if row["problems"]:
            ax.plot(by_bin["ks"], row["majority"], marker="o", markersize=3,
                    label=f"bin {row['bin']} ({row['problems']} problems)")
    ax.set_xscale("log", base=2)
    ax.set_xticks(by_bin["ks"], [str(k) for k in by_bin["ks"]])
    ax.minorticks_off()
    ax.set_xlabel("k (samples)")
    ax.set_ylabel("majority@k accuracy, %")
    ax.set_title(f"{name}: majority@k by confidence bin (mean top-1 p)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="x-small")
    written.append(_save(figure, out_dir / f"{name}-majority-by-bin.png"))
    return written


def trace_plots(name: str, trace: dict, out_dir: Path) -> list[Path]:
    """The calibration heatmap (rates per top-1 bin) and the power-law fit on log-log axes."""
    grid = trace["grid"]
    figure, (heat, fit_ax) = _figure(2, width=6.0)
    rates = np.array([[np.nan if v is None else v for v in row] for row in grid["conditional"]], dtype=float)
    image = heat.imshow(rates, origin="lower", aspect="auto", cmap="viridis", vmin=0, vmax=1)
    heat.set_xticks(range(len(grid["ranks"])), grid["ranks"])
    heat.set_yticks(range(10), grid["bins"], fontsize="small")
    heat.set_xlabel("rank of the reference token")
    heat.set_ylabel("top-1 probability")
    heat.set_title(f"{name}: P(rank | top-1 bin), {grid['tokens']} tokens")
    figure.colorbar(image, ax=heat)

    fit = trace["fit"]
    p = np.array([b["p"] for b in fit["bins"]])
    c = np.array([b["c"] for b in fit["bins"]])
    fit_ax.loglog(p, c, "o", label="share of candidates that are the reference")
    grid_p = np.logspace(np.log10(p.min()), 0, 50)
    fit_ax.loglog(grid_p, np.exp(fit["A"]) * grid_p ** fit["B"], "-",
                  label=f"log c = {fit['A']:.2f} + {fit['B']:.2f} log p")
    fit_ax.loglog(grid_p, grid_p, ":", color="gray", label="c = p (perfect calibration)")
    fit_ax.set_xlabel("model probability p")
    fit_ax.set_ylabel("correct rate c")
    fit_ax.set_title(f"{name}: calibration fit")
    fit_ax.grid(True, alpha=0.3)
    fit_ax.legend(fontsize="x-small")
    return [_save(figure, out_dir / f"{name}-calibration.png")]

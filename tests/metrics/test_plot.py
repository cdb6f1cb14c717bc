"""--plot: a valid PNG with one line per metric (and judged column) per benchmark."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from nskit.cli.app import app
from nskit.metrics import summarize
from nskit.metrics.plot import build_figure, save_plot
from tests.metrics.golden import build_alpha, build_beta


def _lines(figure) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {ax.get_title(): sorted(line.get_label() for line in ax.get_lines()) for ax in figure.axes}


def test_png_has_one_line_per_metric_per_benchmark(tmp_path: Path) -> None:
    build_alpha(tmp_path / "alpha")
    build_beta(tmp_path / "beta")
    summary = summarize(tmp_path)
    png = tmp_path / "plot.png"
    figure = save_plot(summary.benchmarks, png)
    assert _lines(figure) == {
        # alpha: rs0 and rs1 are judged, so majority@k has judge points for k <= 2; pass@k needs all seeds judged
        "alpha": ["alpha majority@k judge_correct", "alpha majority@k symbolic_correct", "alpha pass@k symbolic_correct"],
        "beta": ["beta majority@k symbolic_correct", "beta pass@k symbolic_correct"],
    }
    beta_axes = next(ax for ax in figure.axes if ax.get_title() == "beta")
    majority = next(line for line in beta_axes.get_lines() if "majority" in line.get_label())
    assert list(majority.get_xdata()) == [1, 2]
    assert list(majority.get_ydata()) == pytest.approx([200 / 3, 250 / 3])
    with Image.open(png) as image:
        image.verify()
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size[0] > 500 and image.size[1] > 300


def test_cli_plot_and_nothing_to_plot(tmp_path: Path) -> None:
    build_beta(tmp_path / "beta")
    png = tmp_path / "out" / "plot.png"
    result = CliRunner().invoke(app, ["summarize_results", str(tmp_path), "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    greedy_only = tmp_path / "greedy" / "g"
    greedy_only.mkdir(parents=True)
    (greedy_only / "output.jsonl").write_text('{"predicted_answer": "1", "symbolic_correct": true}\n')
    with pytest.raises(ValueError, match="no benchmark has seed files"):
        build_figure(summarize(greedy_only).benchmarks)

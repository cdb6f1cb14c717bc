"""`ns analyze_confidence`: token confidence vs accuracy, and the calibration from token traces (docs/decoding.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nskit.cli.errors import user_errors


def register(app: typer.Typer) -> None:
    """Add `ns analyze_confidence`."""

    @app.command("analyze_confidence")
    def analyze_confidence(
        output_dir: Annotated[Path, typer.Argument(help="an ns eval output dir (eval-results/, token-traces/)")],
        threshold: Annotated[float, typer.Option("--threshold", min=0.0, max=1.0,
                                                 help="a step is low-confidence when its top-1 probability is below")]
        = 0.5,
        confident_fraction: Annotated[float, typer.Option(
            "--confident_fraction", min=0.0, max=1.0, help="share of the most confident generations that vote")] = 0.5,
        traces: Annotated[Path | None, typer.Option("--traces", help="where token-traces/ is (default OUTPUT_DIR)")]
        = None,
        out: Annotated[Path | None, typer.Option("--out", help="where JSON and PNGs go (default OUTPUT_DIR/confidence)")]
        = None,
    ) -> None:
        """Print the confidence tables; write confidence.json and PNG plots."""
        from nskit.metrics.confidence_report import analyze, render, write_outputs

        with user_errors():
            result = analyze(output_dir, threshold, confident_fraction, traces)
            print(render(result))
            written = write_outputs(result, out or output_dir / "confidence")
        print("\nwrote " + ", ".join(str(p) for p in written))

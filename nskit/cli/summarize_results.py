"""`ns summarize_results`: tables (and metrics.json, a plot) of greedy, pass@1[avg-of-N], majority@k, pass@k."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nskit.cli import where
from nskit.cli.options import ResultsDir

def register(app: typer.Typer) -> None:
    """Add the `summarize_results` command to `app`."""

    @app.command("summarize_results")
    def summarize_results(
        ctx: typer.Context,
        results_dir: ResultsDir,
        json_file: Annotated[
            Path | None,
            typer.Option(
                "--json", "--save_metrics_path",
                help="where metrics.json goes (every number of every k; default: <results dir>/metrics.json)",
            ),
        ] = None,
        majority: Annotated[
            str,
            typer.Option(
                "--majority",
                help="class: votes per grader equivalence class (nskit); string: per answer string (NeMo-Skills)",
            ),
        ] = "class",
        plot: Annotated[
            Path | None, typer.Option("--plot", help="write a PNG of majority@k and pass@k against k per benchmark")
        ] = None,
        max_seq_len: Annotated[
            int | None,
            typer.Option("--max_seq_len", help="records with more generated tokens count as wrong and unanswered"),
        ] = None,
        budget_plot: Annotated[
            Path | None,
            typer.Option("--budget_plot", help="write a PNG of accuracy vs generated tokens per problem, per strategy"),
        ] = None,
        strict: Annotated[
            bool,
            typer.Option(
                "--strict", help="exit 1 when records carry errors, are missing or seed files disagree (after printing)"
            ),
        ] = False,
        cluster: where.Cluster = None,
        config_dir: where.ConfigDir = None,
    ) -> None:
        """Summarize NeMo-Skills-style output dirs: one table per benchmark; marked rows read files with problems."""
        if where.submitted(ctx, cluster, config_dir):
            return
        import json

        from nskit.api import summarize_results as summarize
        from nskit.metrics.aggregate import MAJORITY_MODES
        from nskit.metrics.discovery import results_root
        from nskit.metrics.render import format_tables
        from nskit.records import RecordFileError, atomic_write_text
        from nskit.metrics.strategies import GREEDY, format_rows, save_budget_plot, strategy_rows

        if majority not in MAJORITY_MODES:
            raise typer.BadParameter(f"--majority must be one of {', '.join(MAJORITY_MODES)}, got {majority!r}")
        strategies = strategy_rows(results_dir) if results_dir.is_dir() else []
        if any(row.strategy != GREEDY for row in strategies):
            typer.echo("strategies (per problem: mean requests and tokens):\n" + format_rows(strategies) + "\n")
        if budget_plot is not None:
            save_budget_plot(strategies, budget_plot)
            typer.echo(f"budget plot written to {budget_plot}")
        try:
            summary = summarize(results_dir, max_seq_len=max_seq_len, majority=majority, progress=True)
        except (RecordFileError, FileNotFoundError) as exc:
            if strategies and isinstance(exc, FileNotFoundError):
                return  # a study root holding one output dir per strategy and budget: the table above is it
            typer.echo(f"ns summarize_results: {exc}", err=True)
            raise typer.Exit(2) from None
        typer.echo(format_tables(summary.benchmarks, max_seq_len), nl=False)
        json_file = json_file or results_root(results_dir) / "metrics.json"
        try:
            atomic_write_text(json_file, json.dumps(summary.to_json(), indent=2) + "\n")
            typer.echo(f"Metrics are saved to {json_file}")
        except OSError as exc:
            typer.echo(f"ns summarize_results: could not save metrics to {json_file}: {exc}", err=True)
        if plot is not None:
            from nskit.metrics.plot import save_plot

            try:
                save_plot(summary.benchmarks, plot)
            except ValueError as exc:
                typer.echo(f"ns summarize_results: {exc}", err=True)
                raise typer.Exit(2) from None
            typer.echo(f"plot written to {plot}")
        typer.echo(summary.line())
        if strict and summary.has_issues():
            typer.echo("ns summarize_results: --strict: some records carry errors or are missing (see above)", err=True)
            raise typer.Exit(1)

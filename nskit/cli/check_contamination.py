"""`ns check_contamination`: flag test problems that appear in a training file, with an overlap report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nskit.cli import options
from nskit.cli.errors import user_errors


def register(app: typer.Typer) -> None:
    """Add `ns check_contamination`."""

    @app.command("check_contamination")
    def check_contamination_command(
        training_file: Annotated[Path, typer.Argument(help="SFT JSONL (messages) or problems JSONL (problem)")],
        benchmarks: Annotated[
            str, typer.Option("--benchmarks", help="test sets to check against, comma-separated (groups allowed)")
        ] = "",
        test_files: Annotated[
            list[Path] | None, typer.Option("--test_file", help="another JSONL of test problems (repeatable)")
        ] = None,
        ngram: Annotated[int, typer.Option("--ngram", help="n of the word n-grams compared")] = 10,
        threshold: Annotated[
            float, typer.Option("--threshold", help="share of a test problem's n-grams that flags it")
        ] = 0.5,
        report_file: Annotated[
            Path | None, typer.Option("--report_file", help="overlap report JSON (default: beside the training file)")
        ] = None,
        data_dir: options.DataDir = None,
        mirror: options.Mirror = None,
    ) -> None:
        """Flag test problems that appear in a training file, with an overlap report; exit 1 if any, 0 if clean.

        A test problem is flagged in a training line when its normalized text (lower case, punctuation dropped)
        is contained in the line, or when at least --threshold of its word --ngram-grams occur in it.
        """
        import json

        from nskit.datasets import ensure_prepared, resolve_names
        from nskit.errors import UserError
        from nskit.records import atomic_write_text
        from nskit.training.contamination import check_contamination, load_test_problems

        with user_errors():
            names = resolve_names([n.strip() for n in benchmarks.split(",") if n.strip()]) if benchmarks else []
            files = {name: ensure_prepared(name, data_dir, mirror) for name in names}
            files.update({str(path): path for path in test_files or []})
            if not files:
                raise UserError("give --benchmarks and/or --test_file: the test problems to check against")
            report = check_contamination(training_file, load_test_problems(files), n=ngram, threshold=threshold)
            target = report_file or training_file.with_name(
                training_file.name.removesuffix(".jsonl") + ".contamination.json")
            atomic_write_text(target, json.dumps(report, indent=1) + "\n")
        for item in report["flagged"][:20]:
            kind = "exact" if item["exact"] else f"{item['overlap']:.0%} of {ngram}-grams"
            typer.echo(f"{training_file}:{item['line']}: {item['test_source']} {item['test_id']} ({kind})")
        verdict = (f"{report['flagged_lines']} of {report['lines']} training lines contain test problems"
                   if report["flagged"] else f"clean: none of {report['test_problems']} test problems found in "
                   f"{report['lines']} training lines")
        typer.echo(f"check_contamination: {verdict}; report {target}")
        raise typer.Exit(1 if report["flagged"] else 0)

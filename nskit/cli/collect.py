"""`ns collect`: rejection sampling of graded generations into chat-format SFT data, with a report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nskit.cli.errors import user_errors


def register(app: typer.Typer) -> None:
    """Add `ns collect`."""

    @app.command("collect")
    def collect_command(
        paths: Annotated[
            list[Path], typer.Argument(help="output dirs (eval-results/, train-results/, a benchmark folder) or files")
        ],
        output_file: Annotated[Path, typer.Option("--output_file", help="the SFT JSONL to write")],
        report_file: Annotated[
            Path | None, typer.Option("--report_file", help="report JSON (default: OUTPUT_FILE with .report.json)")
        ] = None,
        correct_by: Annotated[
            str, typer.Option("--correct_by", help="verdicts that must hold, comma-separated: symbolic, judge, execution")
        ] = "symbolic",
        combine: Annotated[str, typer.Option("--combine", help="all: every verdict says correct; any: one does")] = "all",
        drop_code_errors: Annotated[
            bool, typer.Option("--drop_code_errors", help="reject TIR solutions in which any executed block failed")
        ] = False,
        dedup_threshold: Annotated[
            float, typer.Option("--dedup_threshold", help="word 5-gram Jaccard from which two solutions of a problem "
                                "count as one (above 1: only identical normalized text)")
        ] = 0.9,
        max_per_problem: Annotated[int, typer.Option("--max_per_problem", help="keep at most N per problem (-1: all)")] = -1,
        prompt_config: Annotated[
            str, typer.Option("--prompt_config", help="prompt config that renders the system and user messages")
        ] = "generic/math",
        system_message: Annotated[
            str | None, typer.Option("--system_message", help="system message (default: the prompt config's)")
        ] = None,
        code_tags: Annotated[str, typer.Option("--code_tags", help="TIR markers the generations used")] = "markdown",
        tool_turns: Annotated[
            str, typer.Option("--tool_turns", help="split: TIR output blocks become tool messages; inline: one message")
        ] = "split",
        until_solved: Annotated[
            int | None, typer.Option("--until_solved", help="K: also write the problems with fewer than K correct "
                                     "solutions to --unsolved_file, the input of the next round")
        ] = None,
        problems: Annotated[
            Path | None, typer.Option("--problems", help="the data file the outputs were generated from")
        ] = None,
        unsolved_file: Annotated[
            Path | None, typer.Option("--unsolved_file", help="where --until_solved writes the short problems")
        ] = None,
    ) -> None:
        """Keep the correct, clean, distinct generations per problem and write them as chat-format SFT JSONL.

        Rejected: errors, empty or truncated trajectories, (with --drop_code_errors) failed code, ungraded or
        wrong answers, malformed TIR text, near duplicates, and solutions over the cap. See docs/collect.md.
        """
        from nskit.errors import UserError
        from nskit.records import jsonl_bytes, write_if_changed
        from nskit.training.collect import CollectSettings, collect, short_problems, write_collected

        with user_errors():
            if (until_solved is None) != (unsolved_file is None) or (until_solved is not None and problems is None):
                raise UserError("--until_solved K needs --unsolved_file and --problems (and they need it)")
            if until_solved is not None and until_solved < 1:
                raise UserError(f"--until_solved must be at least 1, got {until_solved}")
            settings = CollectSettings.parse(
                verdicts=tuple(name.strip() for name in correct_by.split(",") if name.strip()), combine=combine,
                drop_code_errors=drop_code_errors, dedup_threshold=dedup_threshold, max_per_problem=max_per_problem,
                prompt_config=prompt_config, system_message=system_message, code_tags=code_tags,
                tool_turns=tool_turns,
            )
            result = collect(paths, settings)
            report = report_file or output_file.with_name(output_file.name.removesuffix(".jsonl") + ".report.json")
            short = None
            if until_solved is not None:
                assert problems is not None and unsolved_file is not None
                short = short_problems(result, problems, until_solved)
                result.report["until_solved"] = {"k": until_solved, "short_problems": len(short),
                                                 "unsolved_file": str(unsolved_file)}
            write_collected(result, output_file, report)
            if short is not None and unsolved_file is not None:
                write_if_changed(unsolved_file, jsonl_bytes(short))  # unchanged bytes: a resumed round sees the same input
        typer.echo(summary_line(result.report, output_file, report))


def summary_line(report: dict, output_file: Path, report_file: Path) -> str:
    """What `ns collect` prints: kept, rejected by reason, coverage, files written."""
    rejected = ", ".join(f"{reason} {count}" for reason, count in report["rejected"].items() if count) or "none"
    line = (f"collect: kept {report['kept']} of {report['records']} generations for {report['problems_covered']} of "
            f"{report['problems']} problems (rejected: {rejected}); wrote {output_file} and {report_file}")
    if "until_solved" in report:
        short = report["until_solved"]
        line += f"; {short['short_problems']} problems short of {short['k']} correct solutions in {short['unsolved_file']}"
    return line

"""The `ns` command: a Typer app assembled from one small module per command (heavy imports stay inside them)."""

from __future__ import annotations

import importlib

import typer
from typer.core import TyperGroup

COMMAND_MODULES = [
    "eval",
    "generate",
    "start_server",
    "convert",
    "grade",
    "prepare_data",
    "summarize_results",
    "fill_majority",
    "llm_math_judge",
    "sandbox",
    "slurm_task",
    "view",
    "collect",
    "check_contamination",
    "token_traces",
    "analyze_confidence",
    "failed_ids",
]



class NsGroup(TyperGroup):
    """The `ns` group: rewrites NeMo-Skills' `++key=value` spellings of a command's options (see plus_args)."""

    def resolve_command(self, ctx, args):  # type: ignore[no-untyped-def]
        """Find the command, then translate its arguments."""
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and name is not None:
            from nskit.cli.plus_args import PlusArgError, translate

            try:
                rest = translate(name, command, list(rest))
            except PlusArgError as exc:
                ctx.fail(str(exc))
        return name, command, rest


app = typer.Typer(
    name="ns",
    cls=NsGroup,
    help="nskit: evaluate LLMs on math reasoning benchmarks (serve, generate, grade, judge, summarize).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

for _name in COMMAND_MODULES:
    importlib.import_module(f"nskit.cli.{_name}").register(app)


def main() -> None:
    """Console-script entry point."""
    app()

"""`--cluster` on commands that otherwise run in this process (generate, grade, fill_majority, llm_math_judge,
summarize_results, prepare_data, convert), as NeMo-Skills has it on every command.

No `--cluster`, or a config whose executor is `local`: the command runs here. A Slurm config: the same command
line, without `--cluster`/`--config_dir`, is submitted as a one-step plan through the Slurm executor (waiting for
it, so the exit status is the job's), the way `ns eval` submits its steps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

Cluster = Annotated[
    str | None,
    typer.Option("--cluster", help="where to run: a cluster config (local: here; a Slurm config submits a job)"),
]
ConfigDir = Annotated[Path | None, typer.Option("--config_dir", help="where cluster configs are looked up first")]
_WHERE = frozenset({"cluster", "config_dir"})


def _as_arg(value: Any) -> str:
    return str(value.resolve()) if isinstance(value, Path) else str(value)


def command_argv(ctx: typer.Context) -> list[str]:
    """The command's arguments as given (values that differ from the defaults), without --cluster/--config_dir."""
    argv: list[str] = []
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if param.name in _WHERE or value is None or value == param.default:
            continue
        if param.param_type_name == "argument":
            argv += [_as_arg(v) for v in value] if isinstance(value, (list, tuple)) else [_as_arg(value)]
            continue
        name = next(o for o in param.opts if o.startswith("--"))
        if getattr(param, "is_flag", False):
            argv += [name] if value else list(param.secondary_opts[:1])
        elif isinstance(value, (list, tuple)):
            for item in value:
                argv += [name, _as_arg(item)]
        else:
            argv += [name, _as_arg(value)]
    return argv + list(ctx.args)


def submitted(ctx: typer.Context, cluster: str | None, config_dir: Path | None) -> bool:
    """Submit this command to `cluster` when it is not local (then True: the caller returns); False: run here."""
    if cluster is None:
        return False
    from nskit.cli.errors import user_errors

    with user_errors():
        from nskit.config.cluster import load_cluster_config

        config = load_cluster_config(cluster, config_dir)
        if config.executor == "local":
            return False
        from nskit.cluster.executors import RunOptions, get_executor
        from nskit.pipeline.plan import Plan, Step

        name = ctx.command.name or "command"
        plan = Plan(name=name, steps=[Step(name=name, argv=[name, *command_argv(ctx)])])
        typer.echo(f"submitting to {cluster}: {plan.steps[0].command_line()}", err=True)
        get_executor(config.executor)(plan, config, RunOptions(log_dir=Path("logs").resolve(), wait=True))
    return True

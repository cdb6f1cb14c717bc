"""`ns slurm_task server|sandbox|client` (hidden): what runs inside a Slurm job, each task an `ns` command line."""

from __future__ import annotations

from typing import Annotated

import typer

from nskit.cli import options

task_app = typer.Typer(help="The tasks of a Slurm job (run by the Slurm executor, not by hand).", no_args_is_help=True,
                       add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)


@task_app.command("server")
def server(request: Annotated[str, typer.Argument(help="the plan's ServerRequest as JSON")]) -> None:
    """Start this job's server and keep it up until the job ends (other ranks hold their node)."""
    from nskit.cluster.slurm_tasks import serve

    raise typer.Exit(serve(request))


@task_app.command("reward_server")
def reward_server(
    request: Annotated[str, typer.Argument(help="the plan's reward ServerRequest as JSON")],
    first_gpu: Annotated[int, typer.Option("--first_gpu", help="its GPUs start at this visible one")] = 0,
) -> None:
    """Serve this job's reward model (the `reward_model` scorer) until the job ends."""
    from nskit.cluster.slurm_tasks import serve_reward

    raise typer.Exit(serve_reward(request, first_gpu))


@task_app.command("sandbox")
def sandbox(request: Annotated[str, typer.Argument(help="the plan's SandboxRequest as JSON")]) -> None:
    """Serve this job's code sandbox until the job ends."""
    from nskit.cluster.slurm_tasks import run_sandbox

    raise typer.Exit(run_sandbox(request))


@task_app.command("client", context_settings=options.EXTRA_ARGS)
def client(
    ctx: typer.Context,
    server_type: Annotated[str | None, typer.Option("--server_type", help="the job's server type; omitted: none")] = None,
    health_timeout: Annotated[float, typer.Option("--health_timeout")] = 900.0,
    replicas: Annotated[int, typer.Option("--replicas", help="replicas of the job's server")] = 1,
    sandbox: Annotated[bool, typer.Option("--sandbox", help="wait for the job's sandbox, pass its address")] = False,
    sandbox_timeout: Annotated[float, typer.Option("--sandbox_timeout")] = 300.0,
    reward_server_type: Annotated[
        str | None, typer.Option("--reward_server_type", help="the job's reward server type; omitted: none")
    ] = None,
    reward_health_timeout: Annotated[float, typer.Option("--reward_health_timeout")] = 900.0,
) -> None:
    """Wait for this job's server, sandbox and reward server, then run the ns step given after `--` with their
    addresses."""
    from nskit.cluster.slurm_tasks import run_client

    argv = ctx.args[1:] if ctx.args[:1] == ["--"] else ctx.args
    raise typer.Exit(run_client(server_type, health_timeout, argv, sandbox=sandbox, sandbox_timeout=sandbox_timeout,
                                replicas=replicas, reward_server_type=reward_server_type,
                                reward_timeout=reward_health_timeout))


def register(app: typer.Typer) -> None:
    """Add the hidden `slurm_task` command group."""
    app.add_typer(task_app, name="slurm_task", hidden=True)

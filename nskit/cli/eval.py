"""`ns eval`: plan a whole evaluation (server, generation, grading, summary) and run it on a cluster."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from nskit.cli import options
from nskit.cli.errors import user_errors


def register(app: typer.Typer) -> None:
    """Add `ns eval`."""

    @app.command("eval", context_settings=options.EXTRA_ARGS)
    def eval_command(
        ctx: typer.Context,
        benchmarks: Annotated[str, typer.Option("--benchmarks", help="NAME[:SEEDS],...: gsm8k:4 = greedy + 4 seeds")],
        output_dir: options.OutputDir = Path("results"),
        cluster: options.Cluster = "local",
        config_dir: options.ConfigDir = None,
        model: options.Model = None,
        server_type: options.ServerType = "vllm",
        server_gpus: options.ServerGpus = None,
        server_nodes: options.ServerNodes = 1,
        server_replicas: options.ServerReplicas = 1,
        server_args: options.ServerArgs = "",
        server_address: options.ServerAddress = None,
        data_dir: options.DataDir = None,
        split: options.Split = None,
        mirror: options.Mirror = None,
        num_jobs: Annotated[int, typer.Option("--num_jobs", help="split benchmark x seed chunks over N jobs (-1: one each)")] = 1,
        skip_greedy: Annotated[bool, typer.Option("--skip_greedy", help="only the sampled seeds")] = False,
        starting_seed: Annotated[int, typer.Option("--starting_seed", help="first seed of NAME:SEEDS")] = 0,
        expname: Annotated[str, typer.Option("--expname", help="name of the run (jobs, logs)")] = "eval",
        rerun_done: options.RerunDone = False,
        retry_errors: options.RetryErrors = False,
        partition: Annotated[str | None, typer.Option("--partition", help="Slurm partition (default: config)")] = None,
        run_after: Annotated[
            str, typer.Option("--run_after", help="Slurm: start after the jobs of these expnames (comma-separated)")
        ] = "",
        wait: Annotated[bool, typer.Option("--wait", help="Slurm: wait for all jobs and report each outcome")] = False,
        dry_run: options.DryRun = False,
        judge_model: options.JudgeModel = None,
        judge_server_type: options.JudgeServerType = "openai",
        judge_server_address: options.JudgeServerAddress = None,
        judge_server_gpus: options.JudgeServerGpus = None,
        extra_judge_args: options.ExtraJudgeArgs = "",
        reward_model: options.RewardModel = None,
        reward_server_type: options.RewardServerType = "vllm",
        reward_server_args: options.RewardServerArgs = "",
        reward_server_address: options.RewardServerAddress = None,
        reward_server_gpus: options.RewardServerGpus = None,
    ) -> None:
        """Evaluate a model on benchmarks: greedy and N sampled seeds, graded, then summarized.

        Settings for generation go after the options as ++key=value (e.g. ++max_samples=20
        ++inference.tokens_to_generate=512). Re-running the same command resumes where it stopped.
        """
        from nskit.api import eval as run_eval
        from nskit.cluster.local import StepFailed
        from nskit.servers import ServerError

        try:
            with user_errors():
                run_eval(
                    benchmarks, output_dir=output_dir, cluster=cluster, config_dir=config_dir, model=model,
                    server_type=server_type, server_gpus=server_gpus, server_nodes=server_nodes,
                    server_replicas=server_replicas,
                    server_args=server_args, server_address=server_address, data_dir=data_dir, split=split,
                    mirror=mirror,
                    num_jobs=num_jobs, skip_greedy=skip_greedy, starting_seed=starting_seed, expname=expname,
                    rerun_done=rerun_done, retry_errors=retry_errors, partition=partition, run_after=run_after,
                    wait=wait, dry_run=dry_run, judge_model=judge_model, judge_server_type=judge_server_type,
                    judge_server_address=judge_server_address, judge_server_gpus=judge_server_gpus,
                    extra_judge_args=extra_judge_args, reward_model=reward_model,
                    reward_server_type=reward_server_type, reward_server_args=reward_server_args,
                    reward_server_address=reward_server_address, reward_server_gpus=reward_server_gpus,
                    overrides=list(ctx.args),
                )
        except (StepFailed, ServerError) as exc:
            print(f"ns eval: {exc}", file=sys.stderr)
            raise typer.Exit(1) from None

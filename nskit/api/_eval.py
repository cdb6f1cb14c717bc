"""`nskit.eval`: plan a whole evaluation and run it on a cluster (what `ns eval` calls)."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path


def eval(  # noqa: A001 - the command's name, as NeMo-Skills' Python API spells it
    benchmarks: str,
    *,
    output_dir: str | Path = "results",
    cluster: str = "local",
    config_dir: str | Path | None = None,
    model: str | None = None,
    server_type: str = "vllm",
    server_gpus: int | None = None,
    server_nodes: int = 1,
    server_replicas: int = 1,
    server_args: str = "",
    server_address: str | None = None,
    data_dir: str | Path | None = None,
    split: str | None = None,
    mirror: str | Path | None = None,
    num_jobs: int = 1,
    skip_greedy: bool = False,
    starting_seed: int = 0,
    expname: str = "eval",
    rerun_done: bool = False,
    retry_errors: bool = False,
    partition: str | None = None,
    run_after: str = "",
    wait: bool = False,
    dry_run: bool = False,
    judge_model: str | None = None,
    judge_server_type: str = "openai",
    judge_server_address: str | None = None,
    judge_server_gpus: int | None = None,
    extra_judge_args: str = "",
    reward_model: str | None = None,
    reward_server_type: str = "vllm",
    reward_server_args: str = "",
    reward_server_address: str | None = None,
    reward_server_gpus: int | None = None,
    overrides: Sequence[str] = (),
) -> None:
    """Evaluate a model on benchmarks (`"gsm8k:4,math-500"`: greedy + 4 seeds, greedy only): generate, grade,
    judge (with `judge_model`), summarize; the parameters are `ns eval`'s options, `overrides` its `++key=value`.
    `reward_model` serves a reward model beside the policy (or `reward_server_address` names a running one) for
    the `reward_model` scorer of `++strategy=NAME`.

    Raises `UserError` for bad input before anything runs, `StepFailed` / `ServerError` when a step or the server
    fails. Re-running the same call resumes where it stopped.
    """
    from nskit.cluster.executors import RunOptions, get_executor
    from nskit.config.cluster import load_cluster_config
    from nskit.config.settings import generation_settings
    from nskit.errors import UserError
    from nskit.logs import setup_logging
    from nskit.pipeline.chunks import parse_benchmarks
    from nskit.pipeline.eval_plan import EvalRequest, build_eval_plan
    from nskit.pipeline.judge_steps import JudgeRequest
    from nskit.servers import get_server_type

    settings = generation_settings(overrides)  # a misspelt key fails before anything runs
    cluster_config = load_cluster_config(cluster, Path(config_dir) if config_dir else None)
    get_server_type(server_type)  # an unknown type lists the known ones
    if server_type == "openai" and server_address is None:
        raise UserError("--server_type openai needs --server_address")
    judge = None
    if judge_model:
        judge = JudgeRequest(model=judge_model, server_type=judge_server_type, server_address=judge_server_address,
                             server_gpus=judge_server_gpus, extra_args=shlex.split(extra_judge_args))
    request = EvalRequest(
        benchmarks=parse_benchmarks(benchmarks), output_dir=Path(output_dir).resolve(), cluster=cluster_config,
        data_dir=Path(data_dir).resolve() if data_dir else None, mirror=Path(mirror).resolve() if mirror else None,
        model=model, server_type=server_type, server_address=server_address, server_gpus=server_gpus,
        server_nodes=server_nodes, server_replicas=server_replicas, server_args=shlex.split(server_args),
        skip_greedy=skip_greedy,
        starting_seed=starting_seed, num_jobs=num_jobs, rerun_done=rerun_done, retry_errors=retry_errors,
        settings=settings, expname=expname, split=split, judge=judge, reward_model=reward_model,
        reward_server_type=reward_server_type, reward_server_args=shlex.split(reward_server_args),
        reward_server_address=reward_server_address, reward_server_gpus=reward_server_gpus,
    )
    plan = build_eval_plan(request)
    executor = get_executor(cluster_config.executor)
    log_dir = request.output_dir / "logs"
    run_options = RunOptions(log_dir=log_dir, dry_run=dry_run, wait=wait, partition=partition,
                             run_after=[n.strip() for n in run_after.split(",") if n.strip()])
    if not dry_run:
        setup_logging(log_dir / f"{expname}.log")
    executor(plan, cluster_config, run_options)

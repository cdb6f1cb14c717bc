"""The LLM judge as steps of a plan: one `ns llm_math_judge` per benchmark after its grading.

Where the judge runs: at `--judge_server_address` when given; for `--judge_server_type=openai` without an address,
at the OpenAI API; for a type that launches a server (vllm), on the plan's own server when the judge is the model
being evaluated, else on a judge server of its own (`Plan.judge_server`), started for the judge steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nskit.config.cluster import ClusterConfig
from nskit.errors import UserError
from nskit.models.default import resolve_model
from nskit.pipeline.plan import JUDGE_SERVER, MAIN_SERVER, Plan, ServerRequest, Step
from nskit.records.layout import outputs_pattern
from nskit.servers import get_server_type
from nskit.servers.launch import server_request


@dataclass
class JudgeRequest:
    """The `--judge_*` options of `ns eval` (NeMo-Skills spelling)."""

    model: str
    server_type: str = "openai"
    server_address: str | None = None
    server_gpus: int | None = None
    extra_args: list[str] = field(default_factory=list)
    """More `ns llm_math_judge` flags for every judge step (`--extra_judge_args`)."""


@dataclass
class JudgeInput:
    """One judge step: its name, the files (or glob patterns) it judges and the steps it waits for."""

    step: str
    files: list[str]
    after: list[str]


@dataclass
class JudgePlan:
    """The judge steps and, when the judge needs one, the server of its own they talk to."""

    steps: list[Step]
    server: ServerRequest | None = None


def judge_plan(
    judge: JudgeRequest,
    inputs: list[JudgeInput],
    cluster: ClusterConfig,
    main: ServerRequest | None = None,
    extra_argv: list[str] | None = None,
) -> JudgePlan:
    """One `ns llm_math_judge` step per input; `main` is the plan's own server (shared when the judge is that
    model), `extra_argv` more `llm_math_judge` options for every step."""
    kind = get_server_type(judge.server_type)  # an unknown type lists the known ones
    argv = ["--model", judge.model, "--server_type", judge.server_type]
    needs_server, server, role = False, None, MAIN_SERVER
    if judge.server_address is not None:
        argv += ["--server_address", judge.server_address]
    elif kind.launches_process:
        needs_server = True
        same = main is not None and main.server_type == judge.server_type and main.model == judge.model
        if not same or judge.server_gpus not in (None, main.gpus if main else None):
            server = server_request(judge.server_type, judge.model, cluster, gpus=judge.server_gpus)
            role = JUDGE_SERVER
    elif judge.server_gpus is not None:
        raise UserError(f"--judge_server_gpus needs a judge server type that starts a server, not {judge.server_type!r}")
    steps = [
        Step(name=item.step, argv=["llm_math_judge", "--input_files", *item.files, *argv, *judge.extra_args,
                                   *(extra_argv or [])],
             needs_server=needs_server, server=role, after=item.after)
        for item in inputs
    ]
    return JudgePlan(steps=steps, server=server)


def benchmark_inputs(benchmarks: list[str], output_dir: Path, split: str | None = None) -> list[JudgeInput]:
    """`ns eval`'s judge inputs: every output file of each benchmark (of `split`), after that benchmark's grading."""
    return [JudgeInput(f"judge-{bench}", [outputs_pattern(output_dir, bench, split)], [f"grade-{bench}"])
            for bench in benchmarks]


def standalone_judge_plan(
    files: list[str],
    model: str | None,
    server_type: str,
    server_address: str | None,
    server_gpus: int | None,
    cluster: ClusterConfig,
    extra_argv: list[str],
) -> Plan:
    """`ns llm_math_judge --cluster ... / --dry_run` as a one-step plan (with its judge server when it needs one)."""
    if model is None:
        if server_address is not None or not get_server_type(server_type).launches_process:
            raise UserError(f"--model is required with --server_type {server_type} (e.g. gpt-4o)")
        model = resolve_model(None, server_gpus=server_gpus)
    judge = JudgeRequest(model=model, server_type=server_type, server_address=server_address, server_gpus=server_gpus)
    planned = judge_plan(judge, [JudgeInput("judge", files, [])], cluster, extra_argv=extra_argv)
    return Plan(name="llm_math_judge", steps=planned.steps, judge_server=planned.server, env=cluster.environment())

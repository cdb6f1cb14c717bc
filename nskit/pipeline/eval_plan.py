"""`ns eval` as a plan: convert the default model if needed, prepare data, generate, grade, summarize."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nskit.config.cluster import ClusterConfig
from nskit.config.generation import GenerationConfig
from nskit.config.settings import as_overrides
from nskit.grading.choice import CODE_EXTRACTION
from nskit.errors import UserError
from nskit.models.default import resolve_model
from nskit.pipeline.chunks import expand_chunks, split_evenly
from nskit.pipeline.judge_steps import JudgeRequest, benchmark_inputs, judge_plan
from nskit.pipeline.plan import Plan, SandboxRequest, Step, reward_address_arg
from nskit.records.layout import Chunk, chunk_labels, outputs_pattern, results_dir
from nskit.servers.compile_mode import eager_or_compiled, run_token_budget
from nskit.servers.launch import server_request

MAX_SANDBOX_SESSIONS = 128
"""Upper bound on live sandbox sessions (one interpreter each, tens of MB) whatever the request concurrency."""


@dataclass
class EvalRequest:
    """Everything `ns eval` was asked to do, validated."""

    benchmarks: list[tuple[str, int]]
    output_dir: Path
    cluster: ClusterConfig
    data_dir: Path | None = None
    mirror: Path | None = None
    model: str | None = None
    server_type: str = "vllm"
    server_address: str | None = None
    server_gpus: int | None = None
    server_nodes: int = 1
    server_replicas: int = 1
    server_args: list[str] = field(default_factory=list)
    skip_greedy: bool = False
    starting_seed: int = 0
    num_jobs: int = 1
    rerun_done: bool = False
    retry_errors: bool = False
    settings: GenerationConfig = field(default_factory=GenerationConfig)
    """The generation settings (`++key=value`), validated once; they reach each generation step as overrides."""
    expname: str = "eval"
    judge: JudgeRequest | None = None
    """Judge every benchmark's outputs after grading (`--judge_model` ...)."""
    reward_model: str | None = None
    """Serve this model for the `reward_model` scorer (`--reward_model`), beside the policy server."""
    reward_server_type: str = "vllm"
    reward_server_args: list[str] = field(default_factory=list)
    reward_server_gpus: int | None = None
    """GPUs of the reward server (on Slurm: added to the generation job's; default one when the nodes have GPUs)."""
    reward_server_address: str | None = None
    """A reward server that already runs: passed to the generation steps as `++reward_server_address`."""
    split: str | None = None
    """None: each benchmark's default split (test); outputs of another split go to `<split>-results/`."""


def convert_default_model_step(model: str) -> list[Step]:
    """A `ns convert` step when `model` is the embedded SmolLM2 and the cache does not hold it converted yet."""
    from nskit.models.default import needs_conversion
    from nskit.models.embedded import embedded_gguf

    if not needs_conversion(model):
        return []
    return [Step(
        name="convert-default-model",
        argv=["convert", "--convert_from", "gguf", "--convert_to", "hf",
              "--input_model", str(embedded_gguf()), "--output_model", model],
        outputs=[str(Path(model) / "config.json")],
    )]


def build_eval_plan(request: EvalRequest) -> Plan:
    """The steps of one `ns eval` run, in order."""
    steps: list[Step] = []
    model = request.model
    if request.server_address is None:
        model = resolve_model(model, server_gpus=request.server_gpus)
        steps += convert_default_model_step(model)
    names = list(dict.fromkeys(name for name, _ in request.benchmarks))
    from nskit.datasets import get_benchmark
    from nskit.generation.scaling.registry import check_benchmark

    for bench in names:
        # an unknown name or split, or a strategy that cannot run on it, fails here, before anything runs
        check_benchmark(request.settings, get_benchmark(bench, request.split).extraction == CODE_EXTRACTION)
    data_args = ["--data_dir", str(request.data_dir)] if request.data_dir else []
    data_args += ["--split", request.split] if request.split else []
    mirror_args = ["--mirror", str(request.mirror)] if request.mirror else []
    steps.append(Step(name="prepare-data", argv=["prepare_data", *names, *data_args, *mirror_args]))

    chunks = expand_chunks(request.benchmarks, skip_greedy=request.skip_greedy, starting_seed=request.starting_seed,
                           split=request.split)
    if not chunks:
        raise UserError("nothing to generate: --skip_greedy with no seeds (use e.g. gsm8k:4)")
    code = [get_benchmark(bench).extraction == CODE_EXTRACTION for bench in names]
    sandbox = sandbox_request(request.settings, code=any(code))
    reward_server = None
    if request.reward_model and not request.reward_server_address:
        reward_server = server_request(request.reward_server_type, request.reward_model, request.cluster,
                                       gpus=request.reward_server_gpus, extra_args=request.reward_server_args)
    generate_names = []
    for index, group in enumerate(split_evenly(chunks, request.num_jobs)):
        generate_names.append(name := f"generate-{index}" if len(chunks) > 1 and request.num_jobs != 1 else "generate")
        steps.append(Step(
            name=name,
            argv=generation_argv(request, group, model),
            needs_server=request.server_address is None,
            needs_sandbox=sandbox is not None,
            needs_reward_server=reward_server is not None,
            after=["prepare-data"],
            outputs=[str(c.output_file(request.output_dir)) for c in group],
        ))
    for bench in names:
        files = outputs_pattern(request.output_dir, bench, request.split)
        extraction = get_benchmark(bench).extraction
        argv = ["grade", "--input_files", files, "--extraction", extraction]
        runs_code = extraction == CODE_EXTRACTION
        if runs_code:
            argv, sandbox = code_grading(argv, request.settings, sandbox)
        steps.append(Step(name=f"grade-{bench}", argv=argv, after=generate_names,
                          needs_sandbox=runs_code and sandbox is not None))
    server = None
    if request.server_address is None:
        extra_args = [*request.server_args]
        launch_args = [*request.cluster.server_launch(request.server_type).args, *extra_args]
        extra_args += decoding_server_args(request.server_type, request.settings, launch_args)
        server = server_request(request.server_type, str(model), request.cluster, gpus=request.server_gpus,
                                nodes=request.server_nodes, extra_args=extra_args, replicas=request.server_replicas)
        launch = request.cluster.server_launch(request.server_type)
        configured = eager_or_compiled(launch.args, token_budget(request, chunks), launch.compile_above_tokens)
        server.args = [*configured, *extra_args]
    judge = None
    if request.judge is not None:
        inputs = benchmark_inputs(names, request.output_dir, request.split)
        judge = judge_plan(request.judge, inputs, request.cluster, server)
    steps += judge.steps if judge else []
    last = "judge-" if judge else "grade-"
    steps.append(Step(name="summarize", argv=["summarize_results", str(results_dir(request.output_dir, request.split))],
                      after=[s.name for s in steps if s.name.startswith(last)]))
    return Plan(name=request.expname, steps=steps, server=server, env=request.cluster.environment(), sandbox=sandbox,
                judge_server=judge.server if judge else None, reward_server=reward_server)


def token_budget(request: EvalRequest, chunks: list[Chunk]) -> int | None:
    """At most how many tokens the run generates (None when a benchmark's size is unknown: not prepared yet and
    no ++max_samples)."""
    from nskit.datasets.prepare import output_path
    from nskit.records import iter_numbered

    settings = request.settings
    sizes: dict[str, int | None] = {}
    for chunk in chunks:
        if chunk.benchmark not in sizes:
            data = output_path(chunk.benchmark, request.data_dir)
            counts = [sum(1 for _ in iter_numbered(data))] if data.is_file() else []
            if settings.max_samples >= 0:
                counts.append(settings.max_samples)
            sizes[chunk.benchmark] = min(counts) if counts else None
    return run_token_budget([sizes[c.benchmark] for c in chunks], settings.inference.tokens_to_generate)


def sandbox_request(settings: GenerationConfig, code: bool = False) -> SandboxRequest | None:
    """The sandbox the generation steps need: one with `++code_execution=true` or a strategy that runs programs
    (`++strategy=plan2code`, or on a code benchmark one that votes or scores with `tests`), unless
    `++sandbox_address` names a running one. Sessions: one per solution in flight, capped at MAX_SANDBOX_SESSIONS."""
    from nskit.generation.scaling.registry import needs_sandbox

    if not (settings.code.enabled or needs_sandbox(settings, code)) or settings.sandbox_address:
        return None
    return SandboxRequest(max_sessions=min(settings.max_concurrent_requests, MAX_SANDBOX_SESSIONS))


def code_grading(argv: list[str], settings: GenerationConfig, sandbox: SandboxRequest | None,
                 ) -> tuple[list[str], SandboxRequest | None]:
    """A code benchmark's grade step runs its tests in the sandbox: the one named by `++sandbox_address`, else
    the plan's (started for the generation's code execution, or for grading alone)."""
    if settings.sandbox_address:
        return [*argv, "--sandbox_address", settings.sandbox_address], sandbox
    return argv, sandbox or SandboxRequest(max_sessions=1)


def decoding_server_args(server_type: str, settings: GenerationConfig, args: list[str]) -> list[str]:
    """vLLM flags that load nskit's decoding processor, when the generation settings use a decoding knob."""
    from nskit.decoding.launch import server_args

    if server_type != "vllm" or not settings.inference.knobs():
        return []
    return server_args(args)


def generation_argv(request: EvalRequest, chunks: list[Chunk], model: str | None) -> list[str]:
    """`ns generate` for a group of chunks; the executor adds --server_address when it starts the server."""
    argv = ["generate", "--chunks", chunk_labels(chunks), "--output_dir", str(request.output_dir)]
    if request.data_dir:
        argv += ["--data_dir", str(request.data_dir)]
    if request.split:
        argv += ["--split", request.split]
    if model:
        argv += ["--model", model]
    if request.server_address:
        argv += ["--server_address", request.server_address, "--server_type", "openai"]
    if request.rerun_done:
        argv.append("--rerun_done")
    if request.retry_errors:
        argv.append("--retry_errors")
    if request.reward_server_address:
        argv.append(reward_address_arg(request.reward_server_address))
    return argv + as_overrides(request.settings)

"""`ns convert --cluster ... / --dry_run` as a one-step plan: the same `ns convert` command, run where the GPUs are."""

from __future__ import annotations

from nskit.config.cluster import ClusterConfig
from nskit.models.convert import ConvertRequest
from nskit.pipeline.plan import Plan, Step

GPU_CONVERSIONS = {("hf", "trtllm")}
"""Conversions that run on GPUs: their Slurm job asks for `--num_gpus` GPUs on the GPU partition."""


def convert_argv(convert_from: str, convert_to: str, request: ConvertRequest) -> list[str]:
    """The `ns convert` arguments that redo `request` on the node that runs the step."""
    argv = ["convert", "--convert_from", convert_from, "--convert_to", convert_to,
            "--input_model", str(request.input_model), "--output_model", str(request.output_model),
            "--dtype", request.dtype, "--num_gpus", str(request.num_gpus), "--num_nodes", str(request.num_nodes)]
    if request.hf_model_name:
        argv += ["--hf_model_name", request.hf_model_name]
    return argv


def build_convert_plan(
    convert_from: str, convert_to: str, request: ConvertRequest, cluster: ClusterConfig, name: str
) -> Plan:
    """One `convert` step; done (and skipped on resubmission) once the output folder has its config.json."""
    converter_command(convert_from, convert_to, request)  # bad options fail here, before anything is submitted
    gpus = request.num_gpus if (convert_from, convert_to) in GPU_CONVERSIONS else None
    step = Step(name="convert", argv=convert_argv(convert_from, convert_to, request), gpus=gpus,
                outputs=[str(request.output_model / "config.json")])
    return Plan(name=name, steps=[step], env=cluster.environment())


def converter_command(convert_from: str, convert_to: str, request: ConvertRequest) -> list[str]:
    """The command line the convert step runs in a child process (empty for in-process conversions)."""
    if (convert_from, convert_to) == ("hf", "trtllm"):
        from nskit.models.trtllm import build_command

        return build_command(request)
    return []

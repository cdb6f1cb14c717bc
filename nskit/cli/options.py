"""Options shared by several commands, defined once (NeMo-Skills spelling: underscores)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Cluster = Annotated[str, typer.Option("--cluster", help="cluster config name (cluster_configs/NAME.yaml) or path")]
ConfigDir = Annotated[Path | None, typer.Option("--config_dir", help="where cluster configs are looked up first")]
Model = Annotated[
    str | None,
    typer.Option("--model", help="model path or name; default on a CPU-only machine: the embedded SmolLM2-135M"),
]
ServerType = Annotated[str, typer.Option("--server_type", help="vllm | openai | trtllm | sglang (a registry: see docs/servers.md)")]
ServerGpus = Annotated[int | None, typer.Option("--server_gpus", help="GPUs per node for the server")]
ServerNodes = Annotated[int, typer.Option("--server_nodes", help="nodes for one server")]
ServerReplicas = Annotated[
    int, typer.Option("--server_replicas", help="independent servers of the model; requests are spread over them")
]
ServerArgs = Annotated[str, typer.Option("--server_args", help="extra server flags, appended verbatim")]
ServerAddress = Annotated[
    str | None, typer.Option("--server_address", help="use this running OpenAI-compatible server (http://host:port/v1)")
]
OutputDir = Annotated[Path, typer.Option("--output_dir", help="where eval-results/ and logs/ are written")]
ResultsDir = Annotated[
    Path, typer.Argument(help="a dir holding eval-results/, a dir of <benchmark>/ folders, or one benchmark folder")
]
DataDir = Annotated[Path | None, typer.Option("--data_dir", help="prepared benchmarks (default ./data or NSKIT_DATA_DIR)")]
Mirror = Annotated[
    Path | None, typer.Option("--mirror", help="offline copy of upstream files as DIR/<host>/<path> (or NSKIT_MIRROR)")
]
Split = Annotated[
    str | None,
    typer.Option("--split", help="benchmark split (test, train, ...; default: each benchmark's own, test); "
                 "outputs of a non-test split go to <output_dir>/<split>-results/"),
]
DryRun = Annotated[bool, typer.Option("--dry_run", help="print what would run, run nothing")]
RerunDone = Annotated[bool, typer.Option("--rerun_done", help="generate files that are already complete again")]
RetryErrors = Annotated[
    bool, typer.Option("--retry_errors", help="re-request only the records that carry an `error` in existing outputs")
]

JudgeModel = Annotated[
    str | None, typer.Option("--judge_model", help="judge every output with this LLM after grading (adds judge steps)")
]
JudgeServerType = Annotated[str, typer.Option("--judge_server_type", help="openai | vllm: where the judge runs")]
JudgeServerAddress = Annotated[
    str | None, typer.Option("--judge_server_address", help="a running OpenAI-compatible judge server (http://host:port/v1)")
]
JudgeServerGpus = Annotated[int | None, typer.Option("--judge_server_gpus", help="GPUs for a judge server of its own")]
ExtraJudgeArgs = Annotated[
    str, typer.Option("--extra_judge_args", help="more ns llm_math_judge flags, appended verbatim (e.g. '--tokens_to_generate 512')")
]

EXTRA_ARGS = {"allow_extra_args": True, "ignore_unknown_options": True}
"""Context settings for commands that take `++key=value` overrides after their options."""

RewardModel = Annotated[
    str | None, typer.Option("--reward_model", help="serve this model as the reward_model scorer (a server of its own)")
]
RewardServerType = Annotated[str, typer.Option("--reward_server_type", help="server type of the reward model (vllm)")]
RewardServerArgs = Annotated[
    str, typer.Option("--reward_server_args", help="extra reward server flags, e.g. '--convert classify --hf-overrides ...'")
]
RewardServerGpus = Annotated[
    int | None, typer.Option("--reward_server_gpus", help="GPUs of the reward server (Slurm; default: 1 on GPU nodes)")
]
RewardServerAddress = Annotated[
    str | None, typer.Option("--reward_server_address", help="a running reward server (vLLM pooling API, http://host:port)")
]

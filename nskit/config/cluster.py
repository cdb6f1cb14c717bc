"""Cluster configs (`cluster_configs/<name>.yaml`): how and where steps and servers run. Unknown keys are errors."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from nskit.errors import UserError

PACKAGED_DIR = Path(__file__).resolve().parents[2] / "cluster_configs"


class ClusterConfigError(UserError):
    """A cluster config that is missing or invalid; the message names the file."""


class ServerLaunch(BaseModel):
    """Defaults for starting one server type on this cluster."""

    model_config = ConfigDict(extra="forbid")
    args: list[str] = Field(default_factory=list, description="flags always passed to the server")
    env_vars: list[str] = Field(default_factory=list, description="KEY=VALUE set for the server only")
    health_timeout: float = Field(900.0, gt=0, description="seconds to wait for the server to be healthy")
    compile_above_tokens: int | None = Field(
        None, gt=0, description="vLLM: drop --enforce-eager when a run may generate more tokens than this (compiled "
        "mode starts later but runs faster; see servers/compile_mode.py)",
    )

    def environment(self) -> dict[str, str]:
        """The server-only variables as a dict."""
        return dict(entry.split("=", 1) for entry in self.env_vars if "=" in entry)


class SSHTunnelConfig(BaseModel):
    """Submit to a Slurm cluster from another machine over SSH."""

    model_config = ConfigDict(extra="forbid")
    host: str = Field(min_length=1, description="login node")
    user: str = Field(min_length=1)
    job_dir: str = Field(min_length=1, description="absolute path on the cluster for job scripts and logs")
    identity: str | None = Field(None, description="private key file (default: your SSH agent/config)")

    @field_validator("job_dir")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"ssh_tunnel.job_dir must be an absolute path, got {value!r}")
        return value


SLURM_TIME = re.compile(r"^(\d+-)?\d{1,3}:\d{2}:\d{2}$")
SLURM_ONLY_KEYS = ("account", "partition", "cpu_partition", "job_name_prefix", "job_dir", "ssh_tunnel", "timeouts",
                   "gpus_per_node", "cpus_per_task", "mem", "mail_type", "mail_user")


class ClusterConfig(BaseModel):
    """A validated cluster config."""

    model_config = ConfigDict(extra="forbid")
    executor: Literal["local", "slurm"]
    env_vars: list[str] = Field(default_factory=list, description="KEY=VALUE, or KEY to copy from the environment")
    required_env_vars: list[str] = Field(default_factory=list)
    mounts: list[str] = Field(default_factory=list, description="src:dst (container runs only)")
    containers: dict[str, str] = Field(
        default_factory=dict,
        description="image per role: a server type (vllm, ...) or `server`, `client` (alias nskit), `sandbox`",
    )
    servers: dict[str, ServerLaunch] = Field(default_factory=dict)
    # Slurm only
    account: str | None = Field(None, description="Slurm account (sbatch --account)")
    partition: str | None = Field(None, description="partition for jobs (overridable with --partition)")
    cpu_partition: str | None = Field(None, description="partition for jobs that need no GPU (grade, summarize)")
    job_name_prefix: str = Field("nskit-", min_length=1, description="prefix of every Slurm job name")
    job_dir: str | None = Field(None, description="absolute dir for job scripts and logs when submitting locally")
    ssh_tunnel: SSHTunnelConfig | None = Field(None, description="submit over SSH instead of from this machine")
    timeouts: dict[str, str] = Field(default_factory=dict, description="time limit per partition, HH:MM:SS")
    gpus_per_node: int | None = Field(None, ge=0, description="GPUs per node of server jobs (default: --server_gpus)")
    cpus_per_task: int | None = Field(None, ge=1, description="CPUs per task")
    mem: str | None = Field(None, description="memory per node (sbatch --mem), e.g. 64G")
    mail_type: str | None = None
    mail_user: str | None = None
    source: Path | None = Field(None, exclude=True)

    @field_validator("timeouts")
    @classmethod
    def _times(cls, values: dict[str, str]) -> dict[str, str]:
        for partition, value in values.items():
            if not SLURM_TIME.match(value):
                raise ValueError(f"timeouts.{partition}: expected [D-]HH:MM:SS, got {value!r}")
        return values

    @field_validator("mounts")
    @classmethod
    def _mounts(cls, values: list[str]) -> list[str]:
        for value in values:
            src, sep, dst = value.partition(":")
            if not sep or not src or not dst.startswith("/"):
                raise ValueError(f"bad mount {value!r}: expected /src:/dst")
        return values

    @field_validator("job_dir")
    @classmethod
    def _job_dir(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("/"):
            raise ValueError(f"job_dir must be an absolute path, got {value!r}")
        return value

    @model_validator(mode="after")
    def _slurm_keys_need_slurm(self) -> ClusterConfig:
        if self.executor != "slurm":
            used = [key for key in SLURM_ONLY_KEYS if key in self.model_fields_set]
            if used:
                raise ValueError(f"{', '.join(used)}: only valid with executor: slurm")
        return self

    def time_limit(self, partition: str | None) -> str | None:
        """The time limit for jobs in `partition` (its `timeouts` entry), None when the config names none."""
        return self.timeouts.get(partition or "") or self.timeouts.get("default")

    @field_validator("env_vars", "required_env_vars")
    @classmethod
    def _names(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value.split("=", 1)[0].strip():
                raise ValueError(f"bad env var entry {value!r}")
        return values

    def environment(self) -> dict[str, str]:
        """The variables to set for every step: explicit values, plus names copied from this environment."""
        missing = [name for name in self.required_env_vars if name not in os.environ]
        if missing:
            raise ClusterConfigError(f"{self.source}: required env var(s) not set: {', '.join(missing)}")
        env: dict[str, str] = {}
        for entry in self.env_vars:
            if "=" in entry:
                key, value = entry.split("=", 1)
                env[key] = value
            elif entry in os.environ:
                env[entry] = os.environ[entry]
        return env

    def inherited_env_names(self) -> list[str]:
        """Names in `env_vars` copied from this environment (no `=`): API keys and other secrets, which must never
        be written into a job script (Slurm jobs get them through sbatch's own environment)."""
        return [entry.strip() for entry in self.env_vars if "=" not in entry]

    def server_launch(self, server_type: str) -> ServerLaunch:
        """Launch defaults for a server type (empty defaults when the config names none)."""
        return self.servers.get(server_type, ServerLaunch())


def find_cluster_config(name: str, config_dir: Path | None = None) -> Path:
    """Resolve `--cluster NAME`: a path, else NAME.yaml in --config_dir, $NSKIT_CONFIG_DIR, ./cluster_configs, package."""
    direct = Path(name)
    if direct.suffix in (".yaml", ".yml") and direct.is_file():
        return direct
    dirs = [config_dir, os.environ.get("NSKIT_CONFIG_DIR"), os.environ.get("NEMO_SKILLS_CONFIG_DIR"),
            Path("cluster_configs"), PACKAGED_DIR]
    searched = []
    for directory in dirs:
        if directory is None:
            continue
        candidate = Path(directory) / f"{name}.yaml"
        searched.append(str(candidate))
        if candidate.is_file():
            return candidate
    raise ClusterConfigError(f"cluster config {name!r} not found; looked at: {', '.join(searched)}")


def load_cluster_config(name: str, config_dir: Path | None = None) -> ClusterConfig:
    """Load and validate a cluster config; errors name the file and the offending keys."""
    path = find_cluster_config(name, config_dir)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ClusterConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ClusterConfigError(f"{path}: expected a mapping of settings at the top level")
    try:
        config = ClusterConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            key = ".".join(str(p) for p in error["loc"])
            if error["type"] == "extra_forbidden":
                problems.append(f"unknown key {key!r}")
            else:
                problems.append(f"{key}: {error['msg']}")
        valid = ", ".join(k for k in ClusterConfig.model_fields if k != "source")
        raise ClusterConfigError(f"{path}: {'; '.join(problems)} (valid top-level keys: {valid})") from None
    config.source = path
    return config

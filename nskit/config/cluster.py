"""Cluster configs (`cluster_configs/<name>.yaml`): how and where steps and servers run. Unknown keys are errors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

PACKAGED_DIR = Path(__file__).resolve().parents[2] / "cluster_configs"


class ClusterConfigError(ValueError):
    """A cluster config that is missing or invalid; the message names the file."""


class ServerLaunch(BaseModel):
    """Defaults for starting one server type on this cluster."""

    model_config = ConfigDict(extra="forbid")
    args: list[str] = Field(default_factory=list, description="flags always passed to the server")
    env_vars: list[str] = Field(default_factory=list, description="KEY=VALUE set for the server only")
    health_timeout: float = Field(900.0, gt=0, description="seconds to wait for the server to be healthy")


class ClusterConfig(BaseModel):
    """A validated cluster config."""

    model_config = ConfigDict(extra="forbid")
    executor: Literal["local", "slurm"]
    env_vars: list[str] = Field(default_factory=list, description="KEY=VALUE, or KEY to copy from the environment")
    required_env_vars: list[str] = Field(default_factory=list)
    mounts: list[str] = Field(default_factory=list, description="src:dst (container runs only)")
    containers: dict[str, str] = Field(default_factory=dict, description="image per role: vllm, sandbox, nskit")
    servers: dict[str, ServerLaunch] = Field(default_factory=dict)
    source: Path | None = Field(None, exclude=True)

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

"""Cluster configs are validated: unknown keys and bad values name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from nskit.config.cluster import ClusterConfigError, load_cluster_config


def test_packaged_local_config_loads() -> None:
    config = load_cluster_config("local")
    assert config.executor == "local"
    assert "--enforce-eager" in config.server_launch("vllm").args
    assert config.environment()["HF_HUB_OFFLINE"] == "1"


def test_unknown_key_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("executor: local\nenv_var: [A=1]\n")
    with pytest.raises(ClusterConfigError) as info:
        load_cluster_config(str(path))
    assert str(path) in str(info.value) and "unknown key 'env_var'" in str(info.value)


def test_bad_executor_and_bad_yaml(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("executor: kubernetes\n")
    with pytest.raises(ClusterConfigError, match="executor: Input should be 'local' or 'slurm'"):
        load_cluster_config(str(bad))
    broken = tmp_path / "y.yaml"
    broken.write_text("executor: [local\n")
    with pytest.raises(ClusterConfigError, match="not valid YAML"):
        load_cluster_config(str(broken))
    with pytest.raises(ClusterConfigError, match="not found"):
        load_cluster_config("no-such-cluster", tmp_path)


def test_required_env_vars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("executor: local\nrequired_env_vars: [NSKIT_TEST_SECRET]\nenv_vars: [NSKIT_TEST_SECRET]\n")
    monkeypatch.delenv("NSKIT_TEST_SECRET", raising=False)
    with pytest.raises(ClusterConfigError, match="required env var.s. not set: NSKIT_TEST_SECRET"):
        load_cluster_config(str(path)).environment()
    monkeypatch.setenv("NSKIT_TEST_SECRET", "s")
    assert load_cluster_config(str(path)).environment() == {"NSKIT_TEST_SECRET": "s"}

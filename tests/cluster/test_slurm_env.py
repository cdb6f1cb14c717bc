"""What a job script exports, offline: environment-copied names (secrets) stay out of it; over SSH they are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from nskit.cluster.slurm import inherited_secrets, job_env
from nskit.cluster.slurm_jobs import SlurmJob
from nskit.config.cluster import ClusterConfig
from nskit.errors import UserError
from nskit.pipeline.plan import Plan, Step


def test_environment_copied_names_stay_out_of_the_script(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_API_KEY", "sk-secret")
    cluster = ClusterConfig(executor="slurm", env_vars=["MY_API_KEY", "HF_HUB_OFFLINE=1"])
    plan = Plan(name="p", steps=[Step(name="s", argv=["grade"])], env=cluster.environment())
    job = SlurmJob(name="j", short_name="j", step="s", tasks=[], nodes=1, gpus_per_node=None, partition=None,
                   time_limit=None, mounts=[])
    secrets = inherited_secrets(plan, cluster)
    assert secrets == ["MY_API_KEY"]
    exported = job_env(plan, job, Path("/logs"), secrets)
    assert "MY_API_KEY" not in exported and exported["HF_HUB_OFFLINE"] == "1"
    over_ssh = ClusterConfig(executor="slurm", env_vars=["MY_API_KEY"],
                             ssh_tunnel={"host": "login", "user": "me", "job_dir": "/jobs"})
    with pytest.raises(UserError, match="MY_API_KEY are copied from this environment"):
        inherited_secrets(plan, over_ssh)

"""A secret named in a cluster config's `env_vars` reaches the Slurm job through sbatch's environment and is never
written to disk: the job's requests carry it, no file nemo-run or nskit wrote contains it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.cluster.test_slurm import CONFIG, job_ids, sacct_states, slurm_config  # noqa: F401 - fixture
from tests.helpers import ns
from tests.proxy import RecordingProxy

pytestmark = [pytest.mark.slurm, pytest.mark.slow, pytest.mark.vllm]

SECRET = "sk-nskit-test-7f3a9c1e5b"


@pytest.fixture
def proxy(vllm_server: str) -> Iterator[RecordingProxy]:
    """A remote API that wants a key: it records each request's Authorization header (forwarded to the vLLM)."""
    with RecordingProxy(vllm_server) as server:
        yield server


def test_env_var_secret_reaches_the_job_but_no_file(
    slurm_config: Path, tmp_path: Path, mirror_dir: Path, vllm_server: str, proxy: RecordingProxy  # noqa: F811
) -> None:
    from tests.cli.test_eval_judge import served_model

    settings = yaml.safe_load(CONFIG.read_text())
    settings["job_dir"] = str(tmp_path / "jobs")
    settings["env_vars"] = [*settings.get("env_vars", []), "OPENAI_API_KEY"]
    config = tmp_path / "secret.yaml"
    config.write_text(yaml.safe_dump(settings))
    out = tmp_path / "out"
    address = f"http://127.0.0.1:{proxy.server_address[1]}/v1"
    result = ns("eval", f"--cluster={config}", "--benchmarks=gsm8k:0", "--output_dir", str(out), "--data_dir",
                str(tmp_path / "data"), "--mirror", str(mirror_dir), "--expname", "secret", "--server_type", "openai",
                "--server_address", address, "--model", served_model(vllm_server), "++max_samples=2",
                "++inference.tokens_to_generate=32", "--wait", env={"OPENAI_API_KEY": SECRET}, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    ids = job_ids(result.stdout)
    assert set(sacct_states(list(ids.values())).values()) == {"COMPLETED"}
    assert proxy.authorizations and set(proxy.authorizations) == {f"Bearer {SECRET}"}  # every request had the key
    written = [path for root in (tmp_path / "jobs", out) for path in root.rglob("*") if path.is_file()]
    assert any(path.name.endswith("_sbatch.sh") for path in written), "nemo-run wrote no job script"
    leaked = [str(path) for path in written if SECRET.encode() in path.read_bytes()]
    assert leaked == []

"""The reward model server (`--reward_model`, scorer `reward_model`) as a task of the Slurm generation job:
--dry_run on a GPU config, its port, and a real best_of_n run on the one-node Slurm of .ci/setup_slurm.sh (skipped
without it, except in CI, like tests/cluster/test_slurm.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nskit.cluster.slurm_tasks import client_command, job_port, reward_port
from tests.cluster.test_slurm import job_ids, queued, sacct_states, slurm_config  # noqa: F401 - fixture
from tests.cluster.test_slurm_sandbox import task_lines
from tests.generation.scaling.test_strategies_e2e import CLASSIFY_ARGS
from tests.helpers import ns

GPU_CONFIG = """
executor: slurm
account: acct
partition: gpu
cpu_partition: cpu
gpus_per_node: 8
containers:
  vllm: vllm/vllm-openai:v0.10.1
  client: nvcr.io/org/nskit:1.0
"""
REWARD_PORT = "<20000 + (SLURM_JOB_ID + 10007) % 20000>"
BEST_OF_N = ["++strategy=best_of_n", "++best_of_n.n=2", "++best_of_n.scorer=reward_model", "++max_samples=2"]


def dry_run(config: Path, out: Path, *args: str) -> dict[str, str]:
    """`ns eval --dry_run` of best_of_n with a reward model: job name -> its block of lines."""
    result = ns("eval", f"--cluster={config}", "--benchmarks=gsm8k:0", "--output_dir", str(out), "--dry_run",
                "--reward_model=/models/rm", "--reward_server_args=--convert classify", *args, *BEST_OF_N)
    assert result.returncode == 0, result.stderr
    return {block.split(":", 1)[0]: block for block in ("\n" + result.stdout).split("\njob ")[1:]}


def test_dry_run_generation_job_has_server_reward_server_and_client(tmp_path: Path) -> None:
    config = tmp_path / "gpu.yaml"
    config.write_text(GPU_CONFIG)
    jobs = dry_run(config, tmp_path / "out", "--model=/models/m", "--server_gpus=4", "--reward_server_gpus=2")
    block = jobs["nskit-eval-generate"]
    tasks = task_lines(block)
    assert list(tasks) == ["server", "reward_server", "client"], block
    assert "nodes=1 gpus_per_node=6 partition=gpu" in block.splitlines()[0]  # 4 for the policy + 2 for the reward
    header, command, note = tasks["reward_server"]
    assert "container=vllm/vllm-openai:v0.10.1" in header
    assert command.split()[:5] == ["python", "-m", "nskit", "slurm_task", "reward_server"]
    request = json.loads(command.split(" reward_server ", 1)[1].split("' --first_gpu")[0].strip("'"))
    assert request["model"] == "/models/rm" and request["gpus"] == 2
    assert request["args"][-2:] == ["--convert", "classify"]
    assert command.endswith("--first_gpu 4")  # GPUs 0-3 are the policy server's
    assert note.strip().startswith(f"(port {REWARD_PORT.strip('<>')}; GPUs 4-5 of the job; runs ")
    assert "--model /models/rm" in note and "--tensor-parallel-size 2 --convert classify" in note
    client_line = tasks["client"][1]
    assert " --reward_server_type vllm --reward_health_timeout 900 -- generate " in client_line
    assert tasks["client"][2].rstrip(")").endswith(f"++reward_server_address=http://127.0.0.1:{REWARD_PORT}/v1")
    for name, other in jobs.items():  # only the generation step talks to the reward model
        if name != "nskit-eval-generate":
            assert "reward_server" not in task_lines(other), other


def test_dry_run_with_server_address_asks_only_for_the_reward_servers_gpus(tmp_path: Path) -> None:
    config = tmp_path / "gpu.yaml"
    config.write_text(GPU_CONFIG)
    block = dry_run(config, tmp_path / "out", "--server_address=http://127.0.0.1:9/v1")["nskit-eval-generate"]
    assert list(task_lines(block)) == ["reward_server", "client"], block
    assert "gpus_per_node=1 partition=gpu" in block.splitlines()[0]  # the default: one GPU for the reward model


def test_reward_and_policy_servers_must_fit_in_a_node(tmp_path: Path) -> None:
    config = tmp_path / "gpu.yaml"
    config.write_text(GPU_CONFIG)
    result = ns("eval", f"--cluster={config}", "--benchmarks=gsm8k:0", "--output_dir", str(tmp_path / "out"),
                "--dry_run", "--model=/models/m", "--server_gpus=8", "--reward_model=/models/rm", *BEST_OF_N)
    assert result.returncode != 0
    assert "the server's 8 GPU(s) and the reward server's 1 do not fit in a node of 8" in result.stderr


def test_reward_port_is_per_job_and_apart_from_the_policy_servers() -> None:
    assert reward_port("1234") == reward_port("1234") != reward_port("1235")
    assert 20000 <= reward_port("99999999") < 40000
    for job in range(0, 20000, 7):
        assert reward_port(str(job)) not in {job_port(str(job), replica) for replica in range(16)}
    assert client_command(["generate"], None, None, "http://127.0.0.1:30001/v1")[3:] == [
        "generate", "++reward_server_address=http://127.0.0.1:30001/v1"]


@pytest.mark.slurm
@pytest.mark.slow
@pytest.mark.vllm
def test_best_of_n_with_the_reward_model_on_slurm(
    slurm_config: Path, tmp_path: Path, mirror_dir: Path, vllm_server: str  # noqa: F811 - fixture
) -> None:
    """The generation job starts the reward model (the embedded model served with --convert classify) as its own
    task; best_of_n scores its candidates with it; the job ends it."""
    from nskit.models.embedded import embedded_model_dir

    out = tmp_path / "out"
    result = ns("eval", f"--cluster={slurm_config}", "--benchmarks=gsm8k:0", "--output_dir", str(out),
                "--data_dir", str(tmp_path / "data"), "--mirror", str(mirror_dir), "--expname", "rmslurm",
                "--server_address", vllm_server, "--reward_model", str(embedded_model_dir()),
                "--reward_server_args", CLASSIFY_ARGS, *BEST_OF_N, "++inference.tokens_to_generate=32", "--wait",
                timeout=1200)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    ids = job_ids(result.stdout)
    assert set(ids) == {"prepare-data", "generate", "grade-gsm8k", "summarize"}, result.stdout
    assert set(sacct_states(list(ids.values())).values()) == {"COMPLETED"}
    log = (out / "logs" / f"reward-server-{ids['generate']}.log").read_text()
    assert f":{reward_port(ids['generate'])}" in log, log[-2000:]
    records = [json.loads(line) for line in (out / "eval-results" / "gsm8k" / "output.jsonl").read_text().splitlines()]
    assert len(records) == 2
    for record in records:
        scores = [c["reward_model_score"] for c in record["trajectory"]["candidates"]]
        assert len(scores) == 2 and all(0.0 <= s <= 1.0 for s in scores)
        assert scores[record["trajectory"]["best"]] == max(scores)
    assert queued("rmslurm") == []


def test_the_reward_server_takes_the_gpus_after_the_policy_servers() -> None:
    from nskit.errors import UserError
    from nskit.servers.replicas import gpu_slice, replica_gpus

    assert gpu_slice(4, 2, visible="10,11,12,13,14,15") == {"CUDA_VISIBLE_DEVICES": "14,15"}
    assert gpu_slice(0, None, visible="0,1") == {}
    assert replica_gpus(1, 2, visible="0,1,2,3") == {"CUDA_VISIBLE_DEVICES": "2,3"}  # replicas: unchanged
    with pytest.raises(UserError, match="the reward server needs GPUs 4-5 but only 4 are visible"):
        gpu_slice(4, 2, visible="0,1,2,3")

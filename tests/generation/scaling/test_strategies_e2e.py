"""Every strategy and scorer through `ns eval` on the embedded model (real vLLM server), summarize with one row per
strategy and the budget plot, and resume after a SIGKILL without repeating a finished problem."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from nskit.records import iter_jsonl
from nskit.metrics.strategies import plot_series, strategy_rows
from tests.faults.helpers import finished_records
from tests.helpers import ns, ns_background, wait_for

pytestmark = pytest.mark.vllm

PROBLEMS = 5
RUNS = {
    "best_of_n-confidence": ["++strategy=best_of_n", "++best_of_n.n=2"],
    "best_of_n-self_verify": ["++strategy=best_of_n", "++best_of_n.n=2", "++best_of_n.scorer=self_verify"],
    "self_consistency": ["++strategy=self_consistency", "++self_consistency.n=2"],
    "self_refine": ["++strategy=self_refine", "++self_refine.rounds=1", "++self_refine.feedback_tokens=24"],
    "revision": ["++strategy=revision", "++revision.rounds=2"],
    "beam_search": ["++strategy=beam_search", "++beam_search.max_steps=2", "++beam_search.step_tokens=24"],
    "model_selection": ["++strategy=model_selection"],
    "plan2code": ["++strategy=plan2code"],
}
"""Run label -> its settings; budgets are kept tiny (48 tokens per answer) so that all runs take about a minute."""


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory, vllm_server: str, mirror_dir: Path) -> Path:
    """All runs, each in its own output dir under one study root, run at the same time (the server batches them)."""
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap (bwrap) is not installed: program strategies need the sandbox")
    root = tmp_path_factory.mktemp("study")
    prepared = ns("prepare_data", "gsm8k", "--data_dir", str(root / "data"), "--mirror", str(mirror_dir))
    assert prepared.returncode == 0, prepared.stderr
    runs = {}
    for label, settings in RUNS.items():
        runs[label] = ns_background(
            "eval", "--benchmarks=gsm8k:0", "--output_dir", str(root / label), "--data_dir", str(root / "data"),
            "--mirror", str(mirror_dir), "--server_type", "openai", "--server_address", vllm_server,
            f"++max_samples={PROBLEMS}", "++inference.tokens_to_generate=48", "++max_concurrent_requests=16",
            *settings, log=root / f"{label}.log")
    for label, process in runs.items():
        assert process.wait(timeout=600) == 0, f"{label}: {(root / f'{label}.log').read_text()[-3000:]}"
    return root


def _records(study: Path, label: str) -> list[dict]:
    return list(iter_jsonl(study / label / "eval-results" / "gsm8k" / "output.jsonl"))


@pytest.mark.sandbox
@pytest.mark.parametrize("label", list(RUNS))
def test_every_strategy_writes_trajectory_and_budget(study: Path, label: str) -> None:
    records = _records(study, label)
    assert [r["id"] for r in records] == [f"gsm8k-{i}" for i in range(PROBLEMS)]
    for record in records:
        assert "error" not in record, record.get("error")
        assert record["strategy"] == RUNS[label][0].split("=")[1]
        assert isinstance(record["generation"], str) and record["trajectory"]
        assert record["num_requests"] >= 1 and record["num_generated_tokens"] >= 1 and record["num_input_tokens"] >= 1
        assert "symbolic_correct" in record  # graded like any run
    if label.startswith("best_of_n"):
        for record in records:
            candidates = record["trajectory"]["candidates"]
            assert len(candidates) == 2 and all(isinstance(c["score"], float) for c in candidates)
            assert record["num_requests"] == (4 if label.endswith("self_verify") else 2)
    if label == "beam_search":
        assert all(len(step["kept"]) <= 2 for r in records for step in r["trajectory"]["steps"])


@pytest.mark.sandbox
def test_summarize_prints_one_row_per_strategy_and_plots_the_budget(study: Path, tmp_path: Path) -> None:
    png = tmp_path / "budget.png"
    result = ns("summarize_results", str(study), "--budget_plot", str(png))
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("strategies (per problem: mean requests and tokens):")[1]
    for label in RUNS:
        assert f" {label} " in table or f"  {label}" in table
    rows = strategy_rows(study)
    assert len(rows) == len(RUNS) and all(row.problems == PROBLEMS for row in rows)
    bon = next(r for r in rows if r.run == "best_of_n-confidence")
    assert bon.requests == 2.0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    series = plot_series(rows)["gsm8k"]
    assert set(series) == {"best_of_n", "self_consistency", "self_refine", "revision", "beam_search",
                           "model_selection", "plan2code"}
    assert len(series["best_of_n"]) == 2  # two runs (scorers) of one strategy: two points of one line


def test_resume_does_not_repeat_a_finished_problem(tmp_path: Path, vllm_server: str, mirror_dir: Path) -> None:
    data = tmp_path / "data"
    prepared = ns("prepare_data", "gsm8k", "--data_dir", str(data), "--mirror", str(mirror_dir))
    assert prepared.returncode == 0, prepared.stderr
    output = tmp_path / "out.jsonl"
    args = ["generate", "--input_file", str(data / "gsm8k" / "test.jsonl"), "--output_file", str(output),
            "--server_address", vllm_server, "++strategy=revision", "++revision.rounds=2", "++max_samples=8",
            "++max_concurrent_requests=2", "++inference.tokens_to_generate=48"]
    process = ns_background(*args, log=tmp_path / "first.log")
    wait_for(lambda: len(finished_records(output)) >= 2, 240, "two finished problems")
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = finished_records(output)
    assert 2 <= len(finished) < 8 and not output.exists()
    result = ns(*args)
    assert result.returncode == 0, result.stderr
    final = list(iter_jsonl(output))
    assert [r["id"] for r in final] == [f"gsm8k-{i}" for i in range(8)]
    for position, before in finished.items():
        assert final[position]["generation_start_time"] == before["generation_start_time"]
        assert final[position]["trajectory"] == before["trajectory"]
    assert all(r["num_requests"] == 2 for r in final)


CLASSIFY_ARGS = ("--convert classify --hf-overrides "
                 "'{\"classifier_from_token\": [\"No\", \"Yes\"], \"method\": \"from_2_way_softmax\"}'")
"""vLLM flags that serve the embedded causal LM as a yes/no classifier (P(Yes) per text on /classify)."""


def test_reward_model_scorer_with_a_reward_server_of_its_own(tmp_path: Path, vllm_server: str,
                                                             mirror_dir: Path) -> None:
    """`--reward_model`: the plan starts the reward server for the generation step and stops it; with
    NSKIT_TEST_REWARD_SERVER_ADDRESS (a running classify server) that one is used instead."""
    import os

    from nskit.models.embedded import embedded_model_dir

    running = os.environ.get("NSKIT_TEST_REWARD_SERVER_ADDRESS")
    reward = (["--reward_server_address", running] if running else
              ["--reward_model", str(embedded_model_dir()), "--reward_server_args", CLASSIFY_ARGS])
    out = tmp_path / "bon-rm"
    result = ns("eval", "--benchmarks=gsm8k:0", "--output_dir", str(out), "--data_dir", str(tmp_path / "data"),
                "--mirror", str(mirror_dir), "--server_type", "openai", "--server_address", vllm_server, *reward,
                "++max_samples=3", "++inference.tokens_to_generate=48", "++strategy=best_of_n", "++best_of_n.n=2",
                "++best_of_n.scorer=reward_model")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    records = list(iter_jsonl(out / "eval-results" / "gsm8k" / "output.jsonl"))
    assert len(records) == 3
    for record in records:
        scores = [c["reward_model_score"] for c in record["trajectory"]["candidates"]]
        assert len(scores) == 2 and all(0.0 <= s <= 1.0 for s in scores)
        best = record["trajectory"]["best"]
        assert scores[best] == max(scores) and record["generation"] == record["trajectory"]["candidates"][best]["generation"]
        assert record["num_requests"] == 2
        assert all(isinstance(c["symbolic_correct"], bool) for c in record["trajectory"]["candidates"])  # graded
    _check_candidate_reward_rows(out, records)
    if not running:
        eval_log = (out / "logs" / "eval.log").read_text()
        assert "reward server healthy at" in eval_log and (out / "logs" / "reward-server.log").exists()


def _check_candidate_reward_rows(out: Path, records: list[dict]) -> None:
    """summarize prints rm_best@n / rm_majority@n over the candidates; rm_best@n agrees with the records by hand."""
    import json

    summary = ns("summarize_results", str(out / "eval-results"))
    assert summary.returncode == 0, summary.stderr
    assert "rm_best@2" in summary.stdout and "rm_majority@2" in summary.stdout
    metrics = json.loads((out / "eval-results" / "metrics.json").read_text())["gsm8k"]
    answered = [[c for c in r["trajectory"]["candidates"] if c["predicted_answer"] is not None] for r in records]
    by_hand = sum(max(cs, key=lambda c: c["reward_model_score"])["symbolic_correct"] for cs in answered if cs)
    assert metrics["rm_best@2"]["symbolic_correct"] == pytest.approx(100.0 * by_hand / len(records))

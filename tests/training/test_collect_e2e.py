"""Training data end to end on the embedded model: the train split through `ns eval` into `ns collect`, the next
round asking only for the problems short of K correct solutions (requests counted), and TIR tool turns."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from nskit.records import iter_jsonl, write_jsonl
from tests.faults.proxy import FaultProxy
from tests.helpers import ns

pytestmark = pytest.mark.vllm
EMPTY_BODY = hashlib.sha256(b"").hexdigest()[:16]
FEWSHOT = "++prompt_config=generic/math-fewshot"


def source_record(sft_line: dict[str, Any]) -> dict[str, Any]:
    """The graded output record an SFT line was made from (`metadata.source` is `path:line`)."""
    path, _, line = sft_line["metadata"]["source"].rpartition(":")
    return list(iter_jsonl(path))[int(line) - 1]


def check_collected(sft: Path, expected_records: int, expected_problems: int) -> dict[str, Any]:
    """Every kept line is a correct, finished generation in chat form; the report's numbers add up."""
    report = json.loads(sft.with_name(sft.stem + ".report.json").read_text())
    lines = list(iter_jsonl(sft)) if sft.stat().st_size else []
    assert report["records"] == expected_records == report["kept"] + sum(report["rejected"].values())
    assert report["problems"] == expected_problems == sum(report["solutions_per_problem"].values())
    assert report["kept"] == len(lines) == sum(int(k) * n for k, n in report["solutions_per_problem"].items())
    assert report["problems_covered"] == expected_problems - report["solutions_per_problem"].get("0", 0)
    for line in lines:
        record = source_record(line)
        assert record["symbolic_correct"] is True and record["finish_reason"] == "stop" and "error" not in record
        roles = [m["role"] for m in line["messages"]]
        assert roles[0] == "user" and roles[-1] == "assistant" and record["problem"] in line["messages"][0]["content"]
        assert "".join(m["content"] for m in line["messages"][1:]) == record["generation"]
    return report


def test_train_split_generations_become_sft_data(tmp_path: Path, vllm_server: str, mirror_dir: Path) -> None:
    out = tmp_path / "run"
    result = ns("eval", "--benchmarks=gsm8k:4", "--skip_greedy", "--split", "train", "--output_dir", str(out),
                "--data_dir", str(tmp_path / "data"), "--mirror", str(mirror_dir), "--server_type", "openai",
                "--server_address", vllm_server, "++max_samples=50", "++inference.tokens_to_generate=32", FEWSHOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (out / "eval-results").exists(), "train outputs mixed into the test results"
    seeds = sorted(p.name for p in (out / "train-results" / "gsm8k").glob("output*.jsonl"))
    assert seeds == [f"output-rs{s}.jsonl" for s in range(4)]
    assert next(iter_jsonl(out / "train-results" / "gsm8k" / "output-rs0.jsonl"))["id"] == "gsm8k-train-0"

    sft = tmp_path / "sft.jsonl"
    collected = ns("collect", str(out / "train-results"), "--output_file", str(sft), "--prompt_config",
                   "generic/math-fewshot", "--max_per_problem", "2")
    assert collected.returncode == 0, collected.stderr
    report = check_collected(sft, 200, 50)
    assert f"kept {report['kept']} of 200 generations" in collected.stdout
    assert report["rejected"]["truncated"] > 0  # 32 tokens: most solutions are cut, and none of those is kept


def test_next_round_requests_only_short_problems(tmp_path: Path, vllm_server: str) -> None:
    problems = tmp_path / "problems.jsonl"
    write_jsonl(problems, [{"id": f"p{i}", "problem": f"What is {i} + {i + 1}?", "expected_answer": str(2 * i + 1)}
                           for i in range(12)])

    def generate(input_file: Path, folder: Path, seeds: range, address: str) -> None:
        for seed in seeds:
            run = ns("generate", "--input_file", str(input_file), "--output_file", str(folder / f"output-rs{seed}.jsonl"),
                     "--server_address", address, "++inference.temperature=0.7", f"++inference.random_seed={seed}",
                     "++inference.tokens_to_generate=48", FEWSHOT)
            assert run.returncode == 0, run.stderr
        graded = ns("grade", "--input_files", str(folder / "output-rs*.jsonl"))
        assert graded.returncode == 0, graded.stderr

    def collect(*folders: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        sft, unsolved = tmp_path / "sft.jsonl", tmp_path / "unsolved.jsonl"
        run = ns("collect", *map(str, folders), "--output_file", str(sft), "--prompt_config", "generic/math-fewshot",
                 "--until_solved", "2", "--problems", str(problems), "--unsolved_file", str(unsolved))
        assert run.returncode == 0, run.stderr
        return json.loads((tmp_path / "sft.report.json").read_text()), list(iter_jsonl(unsolved))

    round0, round1 = tmp_path / "round0", tmp_path / "round1"
    generate(problems, round0, range(2), vllm_server)
    report, short = collect(round0)
    check_collected(tmp_path / "sft.jsonl", 24, 12)
    correct: dict[str, set[str]] = {f"p{i}": set() for i in range(12)}
    for path in round0.glob("output-rs*.jsonl"):
        for record in iter_jsonl(path):
            if record["symbolic_correct"] and record["finish_reason"] == "stop":
                correct[record["id"]].add(record["generation"])
    assert [r["id"] for r in short] == [key for key, found in correct.items() if len(found) < 2]
    assert report["kept"] > 0, "the embedded model solved none of the sums: the test no longer checks kept lines"
    if not short:
        pytest.skip("every problem already has 2 correct solutions")

    shutil.copyfile(tmp_path / "unsolved.jsonl", tmp_path / "round1-input.jsonl")
    with FaultProxy(vllm_server) as proxy:
        generate(tmp_path / "round1-input.jsonl", round1, range(2, 3), proxy.base_url)
        requests = sum(event.body != EMPTY_BODY for event in proxy.state.events)
    assert requests == len(short) < 12
    assert [r["id"] for r in iter_jsonl(round1 / "output-rs2.jsonl")] == [r["id"] for r in short]

    report2, short2 = collect(round0, round1)
    check_collected(tmp_path / "sft.jsonl", 24 + len(short), 12)
    assert report2["kept"] >= report["kept"] and {r["id"] for r in short2} <= {r["id"] for r in short}


@pytest.mark.sandbox
def test_tir_trajectories_collect_tool_turns(tmp_path: Path, vllm_server: str) -> None:
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap (bwrap) is not installed; run .ci/install_sandbox.sh")
    from nskit.sandbox import SandboxProcess

    problems, output = tmp_path / "problems.jsonl", tmp_path / "tir" / "output.jsonl"
    write_jsonl(problems, [{"id": f"p{i}", "problem": f"What is {i} + {i + 1}?", "expected_answer": str(2 * i + 1)}
                           for i in range(8)])
    # Few-shot examples of the same shape as the problems: with the generic TIR examples the 135M model rarely
    # both runs code and answers right (seen in CI: 0 of 24 sampled solutions), and this test is about the format.
    prompt = tmp_path / "tir-sums.yaml"
    prompt.write_text(yaml.safe_dump({
        "system": "", "example_separator": "\n\n",
        "user": "Solve the problem with Python, like the examples, and put the answer in \\boxed{{}}.\n\n"
                "{examples}Problem:\n{problem}\n\nSolution (start with ```python):",
        "few_shot_examples": [
            {"problem": f"What is {a} + {b}?",
             "solution": f"```python\nprint({a} + {b})\n```\n```output\n{a + b}\n```\nThe answer is \\boxed{{{a + b}}}."}
            for a, b in ((12, 30), (7, 15), (21, 4))
        ],
    }))
    with SandboxProcess(args=["--workers", "2", "--max-sessions", "8"], log_path=str(tmp_path / "sandbox.log")) as box:
        run = ns("generate", "--input_file", str(problems), "--output_file", str(output), "--server_address",
                 vllm_server, "++code_execution=true", f"++sandbox_address={box.base_url}",
                 f"++prompt_config={prompt}", "++inference.tokens_to_generate=160")
    assert run.returncode == 0, run.stderr
    assert ns("grade", "--input_files", str(output)).returncode == 0
    sft = tmp_path / "sft.jsonl"
    collected = ns("collect", str(output), "--output_file", str(sft), "--prompt_config", str(prompt))
    assert collected.returncode == 0, collected.stderr
    check_collected(sft, 8, 8)
    lines = list(iter_jsonl(sft))
    with_tools = [line for line in lines if any(m["role"] == "tool" for m in line["messages"])]
    assert with_tools, f"no kept solution ran code: {collected.stdout}"
    for line in with_tools:
        record = source_record(line)
        tools = [m["content"] for m in line["messages"] if m["role"] == "tool"]
        assert len(tools) == record["num_code_executions"] == len(record["code_steps"])
        for message, step in zip(tools, record["code_steps"], strict=True):
            assert message.startswith("```output\n") and message.endswith("```\n")
            assert step["stdout"].strip() in message
        turns = line["messages"][1:]
        for before, tool in zip(turns, turns[1:], strict=False):
            if tool["role"] == "tool":
                assert before["role"] == "assistant" and before["content"].endswith("```\n")

"""`ns collect` on hand-made graded outputs: every rejection reason, dedup, cap, balance, TIR tool turns, report."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nskit.cli.app import app
from nskit.generation.code_format import CODE_TAG_PRESETS
from nskit.records import iter_jsonl, write_jsonl
from nskit.training import CollectSettings, TrajectoryFormatError, collect, split_tool_turns

TAGS = CODE_TAG_PRESETS["markdown"]
TIR = ("I will compute it.\n```python\nprint(2 + 2)\n```\n```output\n4\n```\nSo the answer is \\boxed{4}.")


def problem(index: int, **fields: Any) -> dict[str, Any]:
    """A graded output record of problem `index`."""
    base = {"id": f"q{index}", "problem": f"What is {index} + {index}?", "expected_answer": str(2 * index),
            "generation": f"Adding {index} and {index} gives \\boxed{{{2 * index}}}.", "finish_reason": "stop",
            "predicted_answer": str(2 * index), "symbolic_correct": True}
    return {**base, **fields}


SEED0 = [
    problem(1),
    problem(2, error="http_500: server error", generation=""),
    problem(3, symbolic_correct=False, predicted_answer="7"),
    problem(4, generation=TIR, num_code_executions=1, code_steps=[{"status": "ok"}], expected_answer="4"),
    problem(5),
]
SEED1 = [
    problem(1, generation="adding 1 AND 1 gives  \\boxed{2}"),  # the same text once normalized
    problem(2, finish_reason="length"),
    problem(3, symbolic_correct=None),
    problem(4, generation=TIR.replace("print(2 + 2)", "print(2 + 2)\nx = 1/0"), num_code_executions=1,
            code_steps=[{"status": "error"}], expected_answer="4"),
    problem(5, generation="Five plus five is ten, so \\boxed{10}."),
]


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    folder = tmp_path / "train-results" / "toy"
    write_jsonl(folder / "output-rs0.jsonl", SEED0)
    write_jsonl(folder / "output-rs1.jsonl", SEED1)
    return tmp_path / "train-results"


def test_every_record_lands_in_one_bucket(outputs: Path) -> None:
    result = collect([outputs], CollectSettings(drop_code_errors=True, max_per_problem=1))
    report = result.report
    assert report["rejected"] == {"error": 1, "empty": 0, "truncated": 1, "code_error": 1, "not_graded": 1,
                                  "incorrect": 1, "tir_format": 0, "duplicate": 1, "over_cap": 1}
    assert report["records"] == 10 == report["kept"] + sum(report["rejected"].values())
    assert report["kept"] == 3 and report["problems"] == 5 and report["problems_covered"] == 3
    assert report["solutions_per_problem"] == {"0": 2, "1": 3}
    assert [line["id"] for line in result.lines] == ["q1", "q4", "q5"]
    first = result.lines[0]
    assert first["messages"] == [
        {"role": "user", "content": "Solve the following math problem. Make sure to put the answer (and only answer) "
                                    "inside \\boxed{}.\n\nWhat is 1 + 1?"},
        {"role": "assistant", "content": SEED0[0]["generation"]},
    ]
    assert first["metadata"]["source"].endswith("output-rs0.jsonl:1")


def test_tir_trajectory_becomes_tool_turns(outputs: Path) -> None:
    result = collect([outputs], CollectSettings(system_message="You solve math problems."))
    tir = next(line for line in result.lines if line["id"] == "q4")
    roles = [message["role"] for message in tir["messages"]]
    assert roles == ["system", "user", "assistant", "tool", "assistant"]
    assert tir["messages"][3]["content"] == "```output\n4\n```\n"
    assert tir["messages"][2]["content"].endswith("```python\nprint(2 + 2)\n```\n")
    assert "".join(m["content"] for m in tir["messages"][2:]) == TIR
    # Without --drop_code_errors the failed-code solution is kept too, and nothing is capped.
    assert result.report["rejected"]["code_error"] == 0 and result.report["rejected"]["over_cap"] == 0
    assert result.report["solutions_per_problem"] == {"0": 2, "1": 1, "2": 2}
    # Balanced order: the first solution of every problem comes before any second one.
    assert [line["id"] for line in result.lines] == ["q1", "q4", "q5", "q4", "q5"]
    inline = collect([outputs], CollectSettings(tool_turns="inline"))
    assert [m["role"] for m in inline.lines[1]["messages"]] == ["user", "assistant"]


def test_split_tool_turns_refuses_a_mismatch() -> None:
    with pytest.raises(TrajectoryFormatError, match="1 output block"):
        split_tool_turns(TIR, 2, TAGS)
    with pytest.raises(TrajectoryFormatError, match="never closed"):
        split_tool_turns("```python\nx\n```\n```output\n4\n", 1, TAGS)
    # An output block the model wrote itself (nothing ran: 0 executions recorded) is caught by the count.
    with pytest.raises(TrajectoryFormatError, match="1 output block"):
        split_tool_turns(TIR, 0, TAGS)
    assert [m["role"] for m in split_tool_turns("no code", 0, TAGS)] == ["assistant"]


def test_verdict_combinations(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    write_jsonl(path, [problem(1, judge_correct=False), problem(2, judgement="Judgement: Yes"), problem(3)])
    both = collect([path], CollectSettings(verdicts=("symbolic", "judge")))
    assert both.report["rejected"]["incorrect"] == 1 and both.report["rejected"]["not_graded"] == 1
    assert [line["id"] for line in both.lines] == ["q2"]
    either = collect([path], CollectSettings(verdicts=("symbolic", "judge"), combine="any"))
    assert either.report["kept"] == 3
    with pytest.raises(ValueError, match="choose from symbolic, judge, execution"):
        CollectSettings(verdicts=("symbolc",))


def test_cli_writes_sft_report_and_next_round(outputs: Path, tmp_path: Path) -> None:
    problems = tmp_path / "problems.jsonl"
    write_jsonl(problems, [{k: problem(i)[k] for k in ("id", "problem", "expected_answer")} for i in range(1, 8)])
    sft, unsolved = tmp_path / "sft.jsonl", tmp_path / "round1.jsonl"
    result = CliRunner().invoke(app, ["collect", str(outputs), "--output_file", str(sft), "--until_solved", "2",
                                      "--problems", str(problems), "--unsolved_file", str(unsolved)])
    assert result.exit_code == 0, result.output
    assert "kept 5 of 10 generations for 3 of 5 problems" in result.output
    report = json.loads((tmp_path / "sft.report.json").read_text())
    assert report["until_solved"]["short_problems"] == 3 and report["kept"] == len(list(iter_jsonl(sft)))
    # q1 (one distinct solution), q2, q3 (none) are short of 2; q6, q7 were never generated, so not asked again.
    assert [r["id"] for r in iter_jsonl(unsolved)] == ["q1", "q2", "q3"]
    assert set(next(iter_jsonl(unsolved))) == {"id", "problem", "expected_answer"}
    # Collecting again from the same outputs leaves the next round's input untouched (its resume stays valid).
    os.utime(unsolved, ns=(3_000_000_000, 3_000_000_000))
    again = CliRunner().invoke(app, ["collect", str(outputs), "--output_file", str(sft), "--until_solved", "2",
                                     "--problems", str(problems), "--unsolved_file", str(unsolved)])
    assert again.exit_code == 0 and unsolved.stat().st_mtime_ns == 3_000_000_000

    bad = CliRunner().invoke(app, ["collect", str(outputs), "--output_file", str(sft), "--until_solved", "2"])
    assert bad.exit_code == 2 and "--until_solved K needs --unsolved_file and --problems" in bad.output


def test_bad_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "output.jsonl"
    path.write_text(json.dumps(problem(1)) + "\n{not json\n")
    result = CliRunner().invoke(app, ["collect", str(path), "--output_file", str(tmp_path / "sft.jsonl")])
    assert result.exit_code == 2 and f"{path}:2: malformed JSON" in result.output
    assert not (tmp_path / "sft.jsonl").exists()


def test_bad_settings_are_one_line_errors(outputs: Path, tmp_path: Path) -> None:
    sft = str(tmp_path / "sft.jsonl")
    result = CliRunner().invoke(app, ["collect", str(outputs), "--output_file", sft, "--combine", "most"])
    assert result.exit_code == 2 and "bad collect settings: combine: Input should be 'all' or 'any'" in result.output
    result = CliRunner().invoke(app, ["collect", str(outputs), "--output_file", sft, "--correct_by", "symbolc"])
    assert result.exit_code == 2 and "choose from symbolic, judge, execution" in result.output
    # A prompt that needs a field the records lack names the file, the line and the field.
    prompt = tmp_path / "prompt.yaml"
    prompt.write_text("user: 'Solve {problem} in the style of {style}'\n")
    result = CliRunner().invoke(app, ["collect", str(outputs), "--output_file", sft, "--prompt_config", str(prompt)])
    assert result.exit_code == 2 and "output-rs0.jsonl:1: prompt needs field(s) ['style']" in result.output

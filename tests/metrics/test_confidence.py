"""`ns analyze_confidence` on a hand-made output dir whose every number is worked out by hand below."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nskit.records import write_jsonl
from nskit.records.layout import traces_file
from nskit.records.token_log import TokenLogWriter, TokenSteps
from tests.helpers import ns
from tests.metrics.test_calibration import synthetic

# (correct, answer, low-confidence steps, rank of the chosen token at them) per problem and seed 0..3.
# Each generation also has 3 sure steps (top-1 p 0.95, taken); a low step has top-1 p 0.3 and the chosen token
# has p 0.3 at rank 1, else 0.1.
PROBLEMS = [
    [(True, "1", 0, 1)] * 4,
    [(True, "2", 1, 1), (True, "2", 1, 1), (False, "3", 3, 2), (False, "3", 3, 2)],
    [(False, "5", 1, 2), (False, "5", 2, 3), (False, "6", 6, 6), (True, "4", 1, 1)],
    [(False, "8", 2, 2), (False, "9", 2, 2), (True, "7", 0, 1), (False, None, 10, 4)],
]


def steps_of(low: int, rank: int) -> TokenSteps:
    n = 3 + low
    top1 = np.array([0.95] * 3 + [0.3] * low, np.float32)
    ranks = np.array([1] * 3 + [rank] * low)
    chosen_p = np.where(ranks == 1, top1, 0.1).astype(np.float32)
    top_p = np.stack([top1, np.full(n, 0.05, np.float32)], axis=1)
    ids = np.stack([np.arange(n), np.arange(n) + 100], axis=1)
    return TokenSteps(np.where(ranks == 1, ids[:, 0], 999), chosen_p, ranks, ids, top_p)


def make_output_dir(root: Path) -> Path:
    folder = root / "eval-results" / "toy"
    folder.mkdir(parents=True)
    for seed in range(4):
        output = folder / f"output-rs{seed}.jsonl"
        records, writer = [], TokenLogWriter(output)
        writer.open()
        for position, problem in enumerate(PROBLEMS):
            correct, answer, low, rank = problem[seed]
            records.append({"id": f"p{position}", "problem": "?", "generation": "...", "predicted_answer": answer,
                            "symbolic_correct": correct})
            writer.append(position, steps_of(low, rank))
        writer.finalize(range(len(PROBLEMS)))
        write_jsonl(output, records)
    return root


def test_every_table_on_known_answers(tmp_path: Path) -> None:
    from nskit.metrics.confidence_report import analyze

    result = analyze(make_output_dir(tmp_path), threshold=0.5, fraction=0.5)
    (bench,) = result["generations"]
    counts = {r["low_confidence_steps"]: (r["generations"], r["accuracy"]) for r in bench["by_low_count"]}
    assert counts == {"0": (5, 100.0), "1": (4, 75.0), "2": (3, 0.0), "3-4": (2, 0.0), "5-8": (1, 0.0),
                      "9-16": (1, 0.0), "17-32": (0, None), ">=33": (0, None)}
    assert bench["sampled"] == {"k": 4, "generations": 16, "accuracy": 50.0,
                                "exactly_one_low": {"generations": 4, "accuracy": 75.0}}
    ranks = {r["mean_rank"]: (r["generations"], r["accuracy"]) for r in bench["by_low_rank"]}
    assert ranks == {"[1, 1.5)": (3, 100.0), "[1.5, 2)": (0, None), "[2, 3)": (5, 0.0), "[3, 5)": (2, 0.0),
                     ">=5": (1, 0.0)}
    # all four vote: p0 "1", p1 "2" (2-2 tie, earliest seed), p2 "5", p3 "8" (1-1-1, earliest) -> 2 of 4;
    # the two most confident vote: p0 "1", p1 "2", p2 s3 "4" over s0 "5" (tie: the more confident), p3 "7"
    assert bench["confident_majority"] == {"problems": 4, "fraction": 0.5, "majority_all": 50.0,
                                           "majority_confident": 100.0}
    # mean top-1 p per problem: 0.95 (bin 10); 0.706 (bin 8); 0.695, 0.695 (bin 7)
    by_bin = bench["majority_by_confidence_bin"]
    assert by_bin["ks"] == [1, 2, 4]
    assert {b["bin"]: (b["problems"], b["majority"]) for b in by_bin["bins"] if b["problems"]} == {
        10: (1, [100.0, 100.0, 100.0]), 8: (1, [100.0, 100.0, 100.0]), 7: (2, [0.0, 0.0, 0.0])}


def test_command_writes_tables_json_and_plots(tmp_path: Path) -> None:
    root = make_output_dir(tmp_path)
    trace = traces_file(root, "synthetic")
    trace.parent.mkdir(parents=True)
    writer = TokenLogWriter(trace)
    writer.open()
    for position in range(4):
        writer.append(position, synthetic(-0.2, 1.3, steps=5000, seed=position))
    writer.close()
    write_jsonl(trace, [{"id": f"t{i}"} for i in range(4)])
    result = ns("analyze_confidence", str(root), "--threshold", "0.5")
    assert result.returncode == 0, result.stderr
    for title in ("accuracy vs low-confidence steps", "sampled accuracy (k = 4)", "mean rank of the low-confidence",
                  "majority vote over 4 problems", "majority@k by confidence bin", "reference-token rank given",
                  "calibration fit log c = A + B log p"):
        assert title in result.stdout
    out = root / "confidence"
    data = json.loads((out / "confidence.json").read_text())
    assert data["traces"]["synthetic"]["fit"]["B"] == pytest.approx(1.3, abs=0.05)
    for name in ("toy-low-confidence.png", "toy-majority-by-bin.png", "synthetic-calibration.png"):
        assert (out / name).read_bytes()[:4] == b"\x89PNG"


def test_ungraded_or_unlogged_outputs_are_clear_errors(tmp_path: Path) -> None:
    folder = tmp_path / "eval-results" / "toy"
    folder.mkdir(parents=True)
    write_jsonl(folder / "output-rs0.jsonl", [{"id": "p0", "generation": "x"}])
    result = ns("analyze_confidence", str(tmp_path))
    assert result.returncode == 2 and "no token logs" in result.stderr
    writer = TokenLogWriter(folder / "output-rs0.jsonl")
    writer.open()
    writer.append(0, steps_of(1, 1))
    writer.close()
    result = ns("analyze_confidence", str(tmp_path))
    assert result.returncode == 2 and "output-rs0.jsonl:1: record is not graded" in result.stderr

"""`ns analyze_confidence`: run the confidence analyses of an output dir, print tables, write JSON and PNG plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nskit.errors import UserError
from nskit.metrics.calibration import analyze_traces, find_traces
from nskit.metrics.confidence import analyze_benchmark
from nskit.records import atomic_write_text
from nskit.records.layout import find_benchmarks, token_log_path

JSON_NAME = "confidence.json"


def analyze(output_dir: Path, threshold: float, fraction: float, traces_dir: Path | None = None) -> dict:
    """Every analysis that the files under `output_dir` (and `traces_dir`, default `output_dir`) allow."""
    generations = []
    try:
        benchmarks = find_benchmarks(output_dir)
    except FileNotFoundError:
        benchmarks = []
    for files in benchmarks:
        outputs = ([files.greedy] if files.greedy else []) + [path for _, path in files.seeds]
        if any(token_log_path(path).exists() for path in outputs):
            generations.append(analyze_benchmark(files, threshold, fraction))
    traces = {name: analyze_traces(path) for name, path in find_traces(traces_dir or output_dir).items()}
    if not generations and not traces:
        raise UserError(f"{output_dir}: no token logs (++inference.token_log=K) and no token traces (ns token_traces)")
    return {"threshold": threshold, "confident_fraction": fraction, "generations": generations, "traces": traces}


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _table(title: str, header: list[str], rows: list[list[Any]]) -> str:
    cells = [header, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [title, " | ".join(h.ljust(w) for h, w in zip(header, widths)), "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells[1:]]
    return "\n".join(lines)


def render(result: dict) -> str:
    """The tables, as printed."""
    blocks = []
    for bench in result["generations"]:
        name, threshold = bench["benchmark"], bench["threshold"]
        blocks.append(_table(f"{name}: accuracy vs low-confidence steps (top-1 p < {threshold:g})",
                             ["low-confidence steps", "generations", "accuracy"],
                             [[r["low_confidence_steps"], r["generations"], _pct(r["accuracy"])]
                              for r in bench["by_low_count"]]))
        sampled = bench["sampled"]
        one = sampled["exactly_one_low"]
        blocks.append(_table(f"{name}: sampled accuracy (k = {sampled['k']})", ["generations", "set", "accuracy"], [
            [sampled["generations"], "all sampled", _pct(sampled["accuracy"])],
            [one["generations"], "exactly one low-confidence step", _pct(one["accuracy"])],
        ]))
        blocks.append(_table(f"{name}: accuracy by mean rank of the low-confidence steps",
                             ["mean rank", "generations", "accuracy"],
                             [[r["mean_rank"], r["generations"], _pct(r["accuracy"])] for r in bench["by_low_rank"]]))
        cm = bench["confident_majority"]
        blocks.append(_table(f"{name}: majority vote over {cm['problems']} problems", ["vote among", "accuracy"], [
            ["all sampled generations", _pct(cm["majority_all"])],
            [f"the most confident {cm['fraction']:.0%} (mean log-prob)", _pct(cm["majority_confident"])],
        ]))
        by_bin = bench["majority_by_confidence_bin"]
        blocks.append(_table(f"{name}: majority@k by confidence bin of the problem (mean top-1 probability)",
                             ["bin", "problems", *[f"maj@{k}" for k in by_bin["ks"]]],
                             [[b["bin"], b["problems"], *[_pct(v) for v in b["majority"]]]
                              for b in by_bin["bins"] if b["problems"]]))
    for name, trace in result["traces"].items():
        grid = trace["grid"]
        blocks.append(_table(
            f"{name}: reference-token rank given the top-1 probability ({grid['tokens']} tokens, "
            f"{trace['traces']} solutions; rates per row)",
            ["top-1 p", *grid["ranks"]],
            [[label, *[_pct(None if v is None else 100 * v) for v in row]]
             for label, row in zip(grid["bins"], grid["conditional"])]))
        fit = trace["fit"]
        blocks.append(f"{name}: calibration fit log c = A + B log p: A = {fit['A']:.3f}, B = {fit['B']:.3f} "
                      f"(++inference.calibrated=[{fit['A']:.3f},{fit['B']:.3f},THRESHOLD])")
    return "\n\n".join(blocks)


def write_outputs(result: dict, out_dir: Path) -> list[Path]:
    """`confidence.json` and the PNG plots in `out_dir`; the paths written."""
    from nskit.metrics import confidence_plots

    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out_dir / JSON_NAME, json.dumps(result, indent=1))
    written = [out_dir / JSON_NAME]
    for bench in result["generations"]:
        written += confidence_plots.generation_plots(bench, out_dir)
    for name, trace in result["traces"].items():
        written += confidence_plots.trace_plots(name, trace, out_dir)
    return written

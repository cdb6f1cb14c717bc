"""Time `ns summarize_results` on 5000 problems x 256 seeds of synthetic records; print time and peak memory.

Usage: .venv/bin/python bench/summarize.py [--problems 5000] [--seeds 256] [--keep DIR]
The records look like graded NeMo-Skills output (problem, expected_answer, a short generation, predicted_answer,
symbolic_correct, judgement/judge_correct on half the files' worth of fields, token counts and times). They are
written to a temporary directory outside the repository (reused with --keep DIR). Acceptance: at most 30 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMIT_SECONDS = 30.0


def build(root: Path, problems: int, seeds: int) -> Path:
    """Write eval-results/synth/output-rs{0..seeds-1}.jsonl (skipped when already complete)."""
    folder = root / "eval-results" / "synth"
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f".complete-{problems}x{seeds}"
    if marker.exists():
        return root
    rng = random.Random(0)
    skill = [rng.random() for _ in range(problems)]
    for seed in range(seeds):
        lines = []
        for i in range(problems):
            roll = rng.random()
            if roll < 0.05:
                answer = None
            elif roll < 0.05 + 0.95 * skill[i]:
                answer = str(i)
            else:
                answer = str(rng.randint(0, 3) + i + 1)
            correct = answer == str(i)
            record = {
                "problem": f"Synthetic problem number {i}: what is {i} + 0? Give the answer in a box.",
                "expected_answer": str(i),
                "generation": f"We compute the value step by step and obtain \\boxed{{{answer}}}." * 3,
                "num_generated_tokens": 40 + (i % 50),
                "generation_start_time": 1_700_000_000.0 + seed,
                "generation_end_time": 1_700_000_030.0 + seed,
                "predicted_answer": answer,
                "symbolic_correct": correct,
                "judgement": f"The answers agree.\nJudgement: {'Yes' if correct else 'No'}",
                "judge_correct": correct,
            }
            lines.append(json.dumps(record))
        (folder / f"output-rs{seed}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        if (seed + 1) % 32 == 0 or seed + 1 == seeds:
            print(f"writing seed files: {seed + 1}/{seeds}", flush=True)
    marker.touch()
    return root


def main() -> None:
    """Build the data, run the command in a child process, report wall time and the child's peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=5000)
    parser.add_argument("--seeds", type=int, default=256)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the data here instead of a temp dir")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nskit-bench-") as tmp:
        root = build(args.keep or Path(tmp), args.problems, args.seeds)
        size = sum(p.stat().st_size for p in root.rglob("*.jsonl"))
        print(f"data: {args.problems} problems x {args.seeds} seeds, {size / 1e9:.2f} GB in {root}")
        started = time.monotonic()
        command = [sys.executable, "-c", "from nskit.cli.app import main; main()", "summarize_results", str(root),
                   "--json", str(root / "metrics.json")]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds = time.monotonic() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_mb, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
        load = os.getloadavg()[0]
        verdict = "OK" if seconds <= LIMIT_SECONDS else f"TOO SLOW (limit {LIMIT_SECONDS:.0f} s)"
        print(
            f"ns summarize_results: {seconds:.1f} s wall, {cpu:.1f} s CPU, peak memory {peak_mb:.0f} MB "
            f"(load average {load:.1f} on {os.cpu_count()} cores): {verdict}"
        )
        if seconds > LIMIT_SECONDS:
            sys.exit(1)


if __name__ == "__main__":
    main()

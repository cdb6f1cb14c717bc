"""Answers/s of nskit's grader vs Math-Verify's `verify(parse(...))` on the same cases, and their agreement.

Usage: .venv/bin/python bench/grading.py [--golds 1200] [--workers N] [--disagreements FILE]
Cases: real gold answers from the benchmark mirror (math-500, gsm8k, aime24, amc23, minerva_math, olympiadbench;
$NSKIT_MIRROR or ../shared/mirror), each paired with predictions that rewrite the gold in equivalent forms (boxed
raw text, `$...$`, `\\dfrac`, `\\left(...\\right)`, decimals, `x = ...`) and non-equivalent ones (changed number,
flipped sign, swapped fraction, dropped element). Every grader runs in fresh processes (1, then all cores) on
identical chunks; the clock covers grading only (imports and process start-up excluded) and answers/s = cases /
slowest worker's time. nskit is measured in-process (`check_equal`) and through its killable pool (`grade_files`'
path: cheap rules in the parent, the rest in workers with a per-item timeout). Math-Verify keeps its own
defaults (signal-based 5 s timeouts); a call that takes >= 5 s counts as a Math-Verify timeout and is left out of
the agreement. Acceptance: nskit >= 2x Math-Verify on 2 cores, agreement >= 99%.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "grading"))
from grading_mirror import FILES, expected_answers  # noqa: E402  (the tests' loader of raw mirror files)

MV_TIMEOUT = 5.0


def mirror() -> Path:
    """The benchmark mirror directory."""
    root = Path(os.environ.get("NSKIT_MIRROR") or Path(__file__).resolve().parents[2] / "shared" / "mirror")
    if not (root / FILES["math-500"]).is_file():
        raise SystemExit(f"benchmark mirror not found at {root} (set NSKIT_MIRROR)")
    return root


def golds(limit: int) -> list[str]:
    """Up to `limit` gold answers, spread over the six benchmarks."""
    rng = random.Random(7)
    per = {name: expected_answers(mirror(), name) for name in FILES}
    share = {"math-500": 0.4, "gsm8k": 0.2, "aime24": 0.03, "amc23": 0.03, "minerva_math": 0.14, "olympiadbench": 0.2}
    chosen: list[str] = []
    for name, answers in per.items():
        count = min(len(answers), max(1, int(limit * share[name])))
        chosen += rng.sample(answers, count)
    return chosen


def _bump_number(text: str, rng: random.Random) -> str | None:
    numbers = list(re.finditer(r"\d+", text))
    if not numbers:
        return None
    match = rng.choice(numbers)
    return text[: match.start()] + str(int(match.group()) + rng.randint(1, 9)) + text[match.end() :]


def rewrites(gold: str, rng: random.Random) -> list[tuple[str, bool]]:
    """Predictions for one gold: (model-style text, is it equivalent by construction?)."""
    out = [(f"Thus the answer is $\\boxed{{{gold}}}$.", True), (f"$ {gold} $", True)]
    if "\\frac" in gold:
        dfrac = gold.replace("\\frac", "\\dfrac")
        out.append((f"\\boxed{{{dfrac}}}", True))
    if re.fullmatch(r"-?\d+", gold):
        out.append((f"\\boxed{{{gold}.0}}", True))
        out.append((f"\\boxed{{x = {gold}}}", True))
    match = re.fullmatch(r"\\frac\{(\d+)\}\{(\d+)\}", gold)
    if match and int(match.group(2)) in (2, 4, 5, 8, 10, 20, 25, 40, 50, 100):
        out.append((f"\\boxed{{{int(match.group(1)) / int(match.group(2))}}}", True))
    if match:
        out.append((f"\\boxed{{\\frac{{{match.group(2)}}}{{{match.group(1)}}}}}", match.group(1) == match.group(2)))
    if gold.startswith("(") and gold.endswith(")") and "," in gold:
        out.append((f"\\boxed{{\\left{gold[:-1]}\\right)}}", True))
        out.append((f"\\boxed{{{gold.rsplit(',', 1)[0]})}}", False))
    bumped = _bump_number(gold, rng)
    if bumped is not None and bumped != gold:
        out.append((f"\\boxed{{{bumped}}}", False))
    if not gold.startswith("-") and re.match(r"\d", gold):
        out.append((f"\\boxed{{-{gold}}}", gold.strip("0. ") == ""))
    return out


def build_cases(limit: int) -> tuple[list[tuple[str, str]], list[bool]]:
    """(gold, prediction) pairs and their by-construction labels, deterministic."""
    rng = random.Random(11)
    labelled = [(gold, prediction, label) for gold in golds(limit) for prediction, label in rewrites(gold, rng)]
    return [(g, p) for g, p, _ in labelled], [label for _, _, label in labelled]


# -- graders (run inside fresh worker processes) --------------------------------------------------------------
def _nskit_chunk(chunk: list[tuple[str, str]]) -> tuple[float, list[object]]:
    from nskit.grading.equality import check_equal

    check_equal("x+1", "1+x")  # warm imports outside the clock
    started = time.perf_counter()
    verdicts: list[object] = []
    for gold, prediction in chunk:
        try:
            verdicts.append(check_equal(gold, prediction))
        except Exception as exc:  # reported per case in the output, not hidden
            verdicts.append(f"error: {type(exc).__name__}")
    return time.perf_counter() - started, verdicts


def _math_verify_chunk(chunk: list[tuple[str, str]]) -> tuple[float, list[object]]:
    import logging

    from math_verify import parse, verify

    logging.disable(logging.WARNING)
    verify(parse("$x+1$"), parse("$1+x$"))
    started = time.perf_counter()
    verdicts: list[object] = []
    for gold, prediction in chunk:
        begun = time.perf_counter()
        verdict = verify(parse(f"${gold}$"), parse(prediction))
        verdicts.append("timeout" if time.perf_counter() - begun >= MV_TIMEOUT else bool(verdict))
    return time.perf_counter() - started, verdicts


def run_chunks(function, cases: list[tuple[str, str]], processes: int) -> tuple[float, list[object]]:
    """Run `function` on `processes` interleaved chunks in fresh processes; (answers/s, verdicts in order)."""
    chunks = [cases[i::processes] for i in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = pool.map(function, chunks)
    verdicts: list[object] = [None] * len(cases)
    for offset, (_, chunk_verdicts) in enumerate(results):
        verdicts[offset::processes] = chunk_verdicts
    return len(cases) / max(seconds for seconds, _ in results), verdicts


def run_nskit_pool(cases: list[tuple[str, str]], workers: int) -> tuple[float, list[object]]:
    """nskit as `grade_files` runs it: cheap rules in this process, the rest in the killable pool."""
    from nskit.grading.equality import quick_equal
    from nskit.grading.pool import WorkerPool

    with WorkerPool(workers) as pool:
        pool.run("equal", [("x+1", "1+x")] * workers, timeout=60)  # start the workers outside the clock
        started = time.perf_counter()
        verdicts: list[object] = [quick_equal(g, p) for g, p in cases]
        todo = [i for i, v in enumerate(verdicts) if v is None]
        for index, outcome in pool.iter_run("equal", [cases[i] for i in todo], timeout=10.0):
            verdicts[todo[index]] = outcome.value if outcome.ok else f"error: {outcome.error}"
        return len(cases) / (time.perf_counter() - started), verdicts


def main() -> None:
    """Measure, compare, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--golds", type=int, default=1200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--disagreements", type=Path, help="write the cases where the graders disagree (JSONL)")
    args = parser.parse_args()
    cases, labels = build_cases(args.golds)
    print(f"{len(cases)} cases from {args.golds} gold answers; {args.workers} cores")
    rows = []
    for label, processes in (("1 core", 1), (f"{args.workers} cores", args.workers)):
        mv_rate, mv = run_chunks(_math_verify_chunk, cases, processes)
        ns_rate, ns = run_chunks(_nskit_chunk, cases, processes)
        pool_rate, pooled = run_nskit_pool(cases, processes)
        rows.append((label, mv_rate, ns_rate, pool_rate))
        print(f"{label:>8}: math-verify {mv_rate:8.1f} answers/s | nskit {ns_rate:8.1f} answers/s "
              f"({ns_rate / mv_rate:.1f}x) | nskit pool with timeouts {pool_rate:8.1f} answers/s ({pool_rate / mv_rate:.1f}x)")
    assert pooled == ns or sum(a != b for a, b in zip(pooled, ns, strict=True)) == 0, "pool and in-process verdicts differ"
    timeouts = sum(v == "timeout" for v in mv)
    errors = sum(isinstance(v, str) for v in ns)
    compared = [(c, m, n) for c, m, n in zip(cases, mv, ns, strict=True) if m != "timeout"]
    disagree = [(c, m, n) for c, m, n in compared if m != n]
    agreement = 100.0 * (len(compared) - len(disagree)) / len(compared)
    print(f"agreement {agreement:.2f}% on {len(compared)} cases (math-verify timed out on {timeouts}; "
          f"nskit errors {errors}); math-verify says equal on {sum(m is True for _, m, _ in compared)}, "
          f"nskit on {sum(n is True for _, _, n in compared)}")
    for name, verdicts in (("math-verify", mv), ("nskit", ns)):
        right = sum(v is label for v, label in zip(verdicts, labels, strict=True))
        print(f"{name}: {100.0 * right / len(cases):.2f}% of verdicts match the by-construction label")
    if args.disagreements:
        args.disagreements.write_text(
            "".join(json.dumps({"gold": c[0], "prediction": c[1], "math_verify": m, "nskit": n}, ensure_ascii=False) + "\n" for c, m, n in disagree),
            encoding="utf-8",
        )
        print(f"{len(disagree)} disagreements written to {args.disagreements}")
    speedup = rows[-1][2] / rows[-1][1]
    print(f"nskit / math-verify on {rows[-1][0]}: {speedup:.1f}x (target >= 2x); agreement target >= 99%")


if __name__ == "__main__":
    main()

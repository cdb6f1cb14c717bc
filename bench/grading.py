"""Answers/s of nskit's grader vs Math-Verify's `verify(parse(...))` on the same cases, and their agreement.

Usage: .venv/bin/python bench/grading.py [--golds 600] [--workers N] [--disagreements FILE]
       .venv/bin/python bench/grading.py --fixture-from RUN_DIR   (rebuild bench/grading_model_outputs.jsonl)

The realistic mix has two parts:
- real model outputs: the generations of the embedded model (SmolLM2-135M-Instruct, greedy and one sampled seed,
  512 tokens) on math-500 and gsm8k problems, stored in `bench/grading_model_outputs.jsonl` (the last 400
  characters of each generation, where its answer is); both graders get the raw text and extract the answer
  themselves;
- rewritten gold answers from the benchmark mirror (math-500, gsm8k, aime24, amc23, minerva_math, olympiadbench;
  $NSKIT_MIRROR or ../shared/mirror): the gold in another spelling inside a sentence or a box (`\\dfrac`,
  `\\left(`, `π`, `1{,}234`, `x = ...`, a decimal), and near-misses (a number changed, the sign flipped, a fraction
  inverted, a tuple element dropped). At most a third of all predictions are the gold string itself.
Every grader runs in fresh processes (1, then all cores) on identical chunks; the clock covers grading only
(imports and process start-up excluded) and answers/s = cases / slowest worker's time. nskit is measured in-process
(`check_equal`) and through its killable pool (`grade_files`' path: cheap rules in the parent, the rest in workers
with a per-item timeout; a case still running at the timeout is killed and counted). Math-Verify keeps
its own defaults (signal-based 5 s timeouts); a call that takes >= 5 s counts as a Math-Verify timeout and is left
out of the agreement. Acceptance: nskit >= 2x Math-Verify on 2 cores, no case running past its timeout.
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
from grading_mirror import FILES, expected_answers, respell  # noqa: E402  (the tests' loader of raw mirror files)

MV_TIMEOUT = 5.0
POOL_TIMEOUT = 10.0
MODEL_OUTPUTS = Path(__file__).resolve().with_name("grading_model_outputs.jsonl")
TAIL = 400


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
    spelt = respell(gold)
    out = [(f"Thus the answer is $\\boxed{{{spelt}}}$.", True), (f"So we get ${spelt}$ in the end.", True)]
    if rng.random() < 0.5:
        out.append((f"The final answer is $\\boxed{{{gold}}}$.", True))  # the gold string itself
    if re.fullmatch(r"-?\d+", gold):
        out.append((f"\\boxed{{x = {gold}}}", True))
    match = re.fullmatch(r"\\frac\{(\d+)\}\{(\d+)\}", gold)
    if match and int(match.group(2)) in (2, 4, 5, 8, 10, 20, 25, 40, 50, 100):
        out.append((f"\\boxed{{{int(match.group(1)) / int(match.group(2))}}}", True))
    if match:
        out.append((f"\\boxed{{\\frac{{{match.group(2)}}}{{{match.group(1)}}}}}", match.group(1) == match.group(2)))
    if gold.startswith("(") and gold.endswith(")") and "," in gold:
        out.append((f"\\boxed{{{gold.rsplit(',', 1)[0]})}}", False))
    bumped = _bump_number(gold, rng)
    if bumped is not None and bumped != gold:
        out.append((f"The answer is ${bumped}$.", False))
    if not gold.startswith("-") and re.match(r"\d", gold):
        out.append((f"\\boxed{{-{gold}}}", gold.strip("0. ") == ""))
    return out


def model_outputs() -> list[tuple[str, str]]:
    """(gold, raw generation tail) of the embedded model's stored outputs."""
    rows = [json.loads(line) for line in MODEL_OUTPUTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(row["expected_answer"], row["generation"]) for row in rows]


def build_cases(limit: int) -> tuple[list[tuple[str, str]], list[bool | None], int]:
    """(gold, prediction) pairs, their by-construction labels (None: a model output) and how many are model outputs."""
    rng = random.Random(11)
    outputs = model_outputs()
    labelled = [(gold, prediction, label) for gold in golds(limit) for prediction, label in rewrites(gold, rng)]
    cases = outputs + [(g, p) for g, p, _ in labelled]
    return cases, [None] * len(outputs) + [label for _, _, label in labelled], len(outputs)


def identical_share(cases: list[tuple[str, str]]) -> float:
    """Share of predictions whose extracted answer is the gold string itself."""
    from nskit.grading import extract_answer

    return sum(extract_answer(p) == g.strip() for g, p in cases) / len(cases)


def _tail(text: str) -> str:
    """The last ~TAIL characters, cut where no `$...$` span is open (so math delimiters still pair up)."""
    start = max(0, len(text) - TAIL)
    while (text[:start].count("$") - text[:start].count("\\$")) % 2 and text.find("$", start) >= 0:
        start = text.find("$", start) + 1
    return text[start:]


def make_fixture(run_dir: Path) -> None:
    """Store the tails of the generations of an `ns eval` run (math-500 and gsm8k) as the model-output fixture."""
    rows = []
    for path in sorted(run_dir.glob("eval-results/*/output*.jsonl*")):
        if path.name.endswith(".meta.json"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line) if line.strip() else {}
            if record.get("generation"):
                rows.append({"benchmark": path.parent.name, "expected_answer": str(record["expected_answer"]),
                             "generation": _tail(record["generation"])})
    MODEL_OUTPUTS.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    print(f"{len(rows)} model outputs written to {MODEL_OUTPUTS}")


# -- graders (run inside fresh worker processes) --------------------------------------------------------------
def _nskit_chunk(chunk: list[tuple[str, str]]) -> tuple[float, list[object]]:
    from nskit.grading import extract_answer
    from nskit.grading.equality import check_equal

    check_equal("x+1", "1+x")  # warm imports outside the clock
    started = time.perf_counter()
    verdicts: list[object] = []
    for gold, prediction in chunk:
        try:  # as `ns grade`: extract the answer from the text, then compare
            verdicts.append(check_equal(gold, extract_answer(prediction)))
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
    from nskit.grading import extract_answer
    from nskit.grading.equality import quick_equal
    from nskit.grading.pool import WorkerPool

    with WorkerPool(workers) as pool:
        pool.run("equal", [("x+1", "1+x")] * workers, timeout=60)  # start the workers outside the clock
        started = time.perf_counter()
        extracted = [(g, extract_answer(p)) for g, p in cases]
        verdicts: list[object] = [quick_equal(g, p) for g, p in extracted]
        todo = [i for i, v in enumerate(verdicts) if v is None]
        for index, outcome in pool.iter_run("equal", [extracted[i] for i in todo], timeout=POOL_TIMEOUT):
            verdicts[todo[index]] = outcome.value if outcome.ok else ("killed" if outcome.timed_out else f"error: {outcome.error}")
        return len(cases) / (time.perf_counter() - started), verdicts


def main() -> None:
    """Measure, compare, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--golds", type=int, default=600)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--disagreements", type=Path, help="write the cases where the graders disagree (JSONL)")
    parser.add_argument("--fixture-from", type=Path, help="rebuild the model-output fixture from an `ns eval` run dir")
    args = parser.parse_args()
    if args.fixture_from:
        make_fixture(args.fixture_from)
        return
    cases, labels, outputs = build_cases(args.golds)
    share = identical_share(cases)
    print(f"{len(cases)} cases: {outputs} real model outputs + {len(cases) - outputs} rewritten forms of "
          f"{args.golds} gold answers ({100 * share:.1f}% identical to the gold); {args.workers} cores")
    assert share <= 1 / 3, "at most a third of the predictions may be the gold string itself"
    rows = []
    for label, processes in (("1 core", 1), (f"{args.workers} cores", args.workers)):
        mv_rate, mv = run_chunks(_math_verify_chunk, cases, processes)
        ns_rate, ns = run_chunks(_nskit_chunk, cases, processes)
        pool_rate, pooled = run_nskit_pool(cases, processes)
        rows.append((label, mv_rate, ns_rate, pool_rate))
        print(f"{label:>8}: math-verify {mv_rate:8.1f} answers/s | nskit {ns_rate:8.1f} answers/s "
              f"({ns_rate / mv_rate:.1f}x) | nskit pool with timeouts {pool_rate:8.1f} answers/s ({pool_rate / mv_rate:.1f}x)")
    killed = sum(v == "killed" for v in pooled)
    differ = sum(a != b for a, b in zip(pooled, ns, strict=True))
    timeouts = sum(v == "timeout" for v in mv)
    errors = sum(isinstance(v, str) for v in ns)
    compared = [(i, c, m, n) for i, (c, m, n) in enumerate(zip(cases, mv, ns, strict=True)) if m != "timeout"]
    disagree = [(i, c, m, n) for i, c, m, n in compared if m != n]
    agreement = 100.0 * (len(compared) - len(disagree)) / len(compared)
    on_outputs = [(i, c, m, n) for i, c, m, n in compared if i < outputs]
    agree_outputs = 100.0 * sum(m == n for _, _, m, n in on_outputs) / max(1, len(on_outputs))
    print(f"agreement {agreement:.2f}% on {len(compared)} cases ({agree_outputs:.2f}% on the {len(on_outputs)} model "
          f"outputs; math-verify timed out on {timeouts}; nskit errors {errors}, killed at the {POOL_TIMEOUT:g} s timeout {killed}, "
          f"pool and in-process verdicts differ on {differ}); math-verify says equal on "
          f"{sum(m is True for *_, m, _ in compared)}, nskit on {sum(n is True for *_, n in compared)}")
    for name, verdicts in (("math-verify", mv), ("nskit", ns)):
        known = [(v, label) for v, label in zip(verdicts, labels, strict=True) if label is not None]
        right = sum(v is label for v, label in known)
        print(f"{name}: {100.0 * right / len(known):.2f}% of verdicts on rewritten golds match the by-construction label")
    if args.disagreements:
        args.disagreements.write_text(
            "".join(
                json.dumps({"source": "model output" if i < outputs else "rewritten gold", "gold": c[0],
                            "prediction": c[1][-200:], "label": labels[i], "math_verify": m, "nskit": n},
                           ensure_ascii=False) + "\n"
                for i, c, m, n in disagree
            ),
            encoding="utf-8",
        )
        print(f"{len(disagree)} disagreements written to {args.disagreements}")
    speedup = rows[-1][3] / rows[-1][1]
    print(f"nskit pool / math-verify on {rows[-1][0]}: {speedup:.1f}x (target >= 2x); cases killed at the timeout "
          f"{killed} (none can run past it: the pool kills the worker)")


if __name__ == "__main__":
    main()

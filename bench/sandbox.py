"""Throughput and latency of the sandbox service: executions/s, p50/p99 latency.

    .venv/bin/python bench/sandbox.py                      # starts its own service
    .venv/bin/python bench/sandbox.py --url http://127.0.0.1:6000 --requests 1000 --concurrency 64

Latency is measured in the client (queueing included). Three workloads: a trivial print, a snippet that imports
sympy and numpy (what math solutions do), and a stateful session where each snippet builds on the last.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nskit.sandbox import SandboxClient, SandboxProcess

WORKLOADS = {
    "print": lambda i: f"print({i} * 2)",
    "sympy+numpy": lambda i: f"import sympy, numpy\nprint(sympy.factorint({i} + 2), numpy.arange({i} % 7 + 1).sum())",
}


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


async def run_workload(url: str, make_code, requests: int, concurrency: int, sessions: bool) -> dict[str, float]:
    """Send ``requests`` snippets with at most ``concurrency`` in flight; return rate and latency figures."""
    latencies: list[float] = []
    failures = 0
    gate = asyncio.Semaphore(concurrency)
    async with SandboxClient(url) as client:

        async def one(i: int) -> None:
            nonlocal failures
            session = f"bench-{i % concurrency}" if sessions else None
            code = f"acc = globals().get('acc', 0) + {i}\nprint(acc)" if sessions else make_code(i)
            async with gate:
                started = time.perf_counter()
                result = await client.execute(code, session_id=session, timeout=30)
                latencies.append(time.perf_counter() - started)
            failures += result.status != "ok"

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(requests)))
        elapsed = time.perf_counter() - started
        if sessions:
            await asyncio.gather(*(client.close_session(f"bench-{k}") for k in range(concurrency)))
    return {
        "exec_per_s": requests / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * percentile(latencies, 99),
        "failures": failures,
    }


async def bench(url: str, requests: int, concurrency: int) -> None:
    """Print one line per workload."""
    print(f"{'workload':<14} {'requests':>8} {'conc':>5} {'exec/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'failed':>6}")
    runs = [(name, make, False) for name, make in WORKLOADS.items()] + [("session", WORKLOADS["print"], True)]
    for name, make, sessions in runs:
        stats = await run_workload(url, make, requests, concurrency, sessions)
        print(f"{name:<14} {requests:>8} {concurrency:>5} {stats['exec_per_s']:>8.1f} {stats['p50_ms']:>8.1f} "
              f"{stats['p99_ms']:>8.1f} {stats['failures']:>6}", flush=True)


def main() -> None:
    """Parse flags, start a service unless --url is given, run the workloads."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="use a running service instead of starting one")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, help="service workers when this script starts the service")
    args = parser.parse_args()
    if args.url:
        asyncio.run(bench(args.url, args.requests, args.concurrency))
        return
    service_args = [] if args.workers is None else ["--workers", str(args.workers)]
    with SandboxProcess(args=service_args) as service:
        asyncio.run(bench(service.base_url, args.requests, args.concurrency))


if __name__ == "__main__":
    main()

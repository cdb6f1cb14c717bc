"""Requests/s of `ns generate` (a CLI process) against a zero-latency OpenAI stub, beside two bare client loops.

    .venv/bin/python bench/client.py [--requests 5000] [--concurrency 256] [--rounds 1]
    .venv/bin/python bench/client.py --requests 1000000 --only ns      # memory: peak RSS of a 1M-record run

The stub is an aiohttp server in its own process, pinned to the last CPU; every client is a process pinned to
the first one, so each side has one core (on a 1-CPU machine both share it). The stub answers every completion at
once with `ok: <the last message>` and notes the arrival time of each request; a client's rate is the requests
it sent divided by the window between the first and the last arrival (interpreter start-up, reading the models
list and writing the final file are outside it). Clients, each in the same run:
- `ns generate`: the CLI process on an N-record input file (prompt rendering, retries, partial file, final file);
  every record of its output is checked (ids in order, the answer to its own problem, no error);
- `openai`: a bare `AsyncOpenAI` loop (default transport, semaphore), the SDK as most scripts use it;
- `aiohttp`: a raw aiohttp + orjson loop (one session), the ceiling of one core.
It prints each rate, the peak RSS of each client process, and the ratios of `ns generate` to the others. On a
shared machine the window rate depends on what else runs, so it also prints requests per CPU-second of the
client: its CPU time (user + system) for the whole run, less that of a run of one window of requests (start-up,
imports, final file), per request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODEL = "stub-model"


# -- the stub --------------------------------------------------------------------------------------------------
def serve_stub(port: int) -> None:
    """Answer OpenAI requests at once; GET /stats gives `{count, first, last}` of POST arrivals (monotonic s)."""
    import orjson
    from aiohttp import web

    stats = {"count": 0, "first": None, "last": None}

    async def models(_: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": MODEL, "object": "model"}]})

    async def complete(request: web.Request) -> web.Response:
        now = time.monotonic()
        stats["count"] += 1
        stats["first"] = stats["first"] or now
        stats["last"] = now
        body = orjson.loads(await request.read())
        if "messages" in body:
            choice = {"index": 0, "finish_reason": "stop",
                      "message": {"role": "assistant", "content": "ok: " + body["messages"][-1]["content"]}}
        else:
            choice = {"index": 0, "finish_reason": "stop", "text": "ok: " + body["prompt"]}
        answer = {"id": "x", "object": "chat.completion", "created": 0, "model": MODEL, "choices": [choice],
                  "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}
        return web.Response(body=orjson.dumps(answer), content_type="application/json")

    async def get_stats(_: web.Request) -> web.Response:
        return web.json_response(stats)

    async def reset(_: web.Request) -> web.Response:
        stats.update(count=0, first=None, last=None)
        return web.json_response(stats)

    app = web.Application()
    app.router.add_get("/v1/models", models)
    app.router.add_post("/v1/chat/completions", complete)
    app.router.add_post("/v1/completions", complete)
    app.router.add_get("/stats", get_stats)
    app.router.add_post("/reset", reset)
    _use_uvloop()
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None, backlog=4096)


# -- the bare loops --------------------------------------------------------------------------------------------
def prompt_of(i: int) -> str:
    return f"What is {i} + {i + 1}? (problem {i})"


async def openai_loop(base_url: str, count: int, concurrency: int) -> None:
    """The SDK as scripts use it: AsyncOpenAI, default transport, a semaphore."""
    import openai

    client = openai.AsyncOpenAI(base_url=base_url, api_key="EMPTY", timeout=120.0)
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with gate:
            await client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": prompt_of(i)}],
                                                 max_tokens=16, temperature=0.0)

    await asyncio.gather(*(one(i) for i in range(count)))
    await client.close()


async def aiohttp_loop(base_url: str, count: int, concurrency: int) -> None:
    """The ceiling: one aiohttp session, orjson bodies, a semaphore."""
    import aiohttp
    import orjson

    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        async def one(i: int) -> None:
            body = {"model": MODEL, "messages": [{"role": "user", "content": prompt_of(i)}], "max_tokens": 16}
            async with gate, session.post(base_url + "/chat/completions", data=orjson.dumps(body),
                                          headers={"Content-Type": "application/json"}) as response:
                orjson.loads(await response.read())["choices"][0]["message"]["content"]

        await asyncio.gather(*(one(i) for i in range(count)))


def _use_uvloop() -> None:
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


# -- the driver ------------------------------------------------------------------------------------------------
def pinned(cpu: int) -> dict:
    """Popen arguments that pin the child to one CPU."""
    return {"preexec_fn": (lambda: os.sched_setaffinity(0, {cpu})) if hasattr(os, "sched_setaffinity") else None}


def stub_call(port: int, path: str, method: str = "GET") -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def run_client(argv: list[str], cpu: int, log: Path) -> tuple[int, float, float]:
    """Run one client process to the end: (exit code, peak RSS in MB, CPU seconds, user + system)."""
    with open(log, "wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=REPO, **pinned(cpu))
        _, status, usage = os.wait4(process.pid, 0)
    return os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def check_output(path: Path, count: int) -> None:
    """Every record there, in order, each the answer to its own problem, none with an error."""
    import orjson

    with open(path, "rb") as handle:
        seen = 0
        for i, line in enumerate(handle):
            record = orjson.loads(line)
            if record["id"] != f"p{i}" or "error" in record or not record["generation"].endswith(record["problem"]):
                raise SystemExit(f"{path}:{i + 1}: wrong record {str(record)[:300]}")
            seen += 1
    if seen != count:
        raise SystemExit(f"{path}: {seen} records, expected {count}")


def write_input(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(count):
            handle.write(json.dumps({"id": f"p{i}", "problem": prompt_of(i), "expected_answer": str(2 * i + 1)}) + "\n")


def measure(name: str, argv: list[str], port: int, cpu: int, work: Path) -> dict:
    """Run one client: requests the stub saw, their window, req/s in it, the client's peak RSS and CPU time."""
    stub_call(port, "/reset", "POST")
    code, rss, cpu_seconds = run_client(argv, cpu, work / f"{name}.log")
    if code != 0:
        raise SystemExit(f"{name} exited {code}:\n{(work / f'{name}.log').read_text()[-3000:]}")
    stats = stub_call(port, "/stats")
    window = stats["last"] - stats["first"]
    return {"count": stats["count"], "seconds": window, "rate": stats["count"] / window if window else 0.0,
            "rss": rss, "cpu": cpu_seconds}


def main() -> None:
    """Start the stub, run each client, print rates and ratios."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--only", choices=["ns", "openai", "aiohttp"], action="append")
    parser.add_argument("--keep", type=Path, help="keep the work files here (logs, the output file)")
    parser.add_argument("--role", choices=["stub", "openai", "aiohttp"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "stub":
        return serve_stub(args.port)
    if args.role is not None:
        _use_uvloop() if args.role == "aiohttp" else None
        loop = openai_loop if args.role == "openai" else aiohttp_loop
        return asyncio.run(loop(f"http://127.0.0.1:{args.port}/v1", args.requests, args.concurrency))

    sys.path.insert(0, str(REPO))
    from nskit.proc import free_port, is_healthy

    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    client_cpu, stub_cpu = cpus[0], cpus[-1]
    port = free_port()
    work = args.keep or Path(tempfile.mkdtemp(prefix="nskit-bench-client-"))
    work.mkdir(parents=True, exist_ok=True)
    stub = subprocess.Popen([sys.executable, __file__, "--role", "stub", "--port", str(port)], **pinned(stub_cpu))
    try:
        deadline = time.monotonic() + 30
        while not is_healthy(f"http://127.0.0.1:{port}/v1/models"):
            if time.monotonic() > deadline or stub.poll() is not None:
                raise SystemExit("the stub did not start")
            time.sleep(0.1)
        source = work / "in.jsonl"
        write_input(source, args.requests)
        print(f"{args.requests} requests at {args.concurrency} in flight; clients on CPU {client_cpu}, stub on CPU "
              f"{stub_cpu} ({len(cpus)} CPU(s) usable)", flush=True)
        small = work / "small.jsonl"
        write_input(small, args.concurrency)

        def argv(name: str, count: int, output: Path) -> list[str]:
            if name == "ns":
                output.unlink(missing_ok=True)
                return [sys.executable, "-m", "nskit", "generate", "--input_file", str(small if count < args.requests
                        else source), "--output_file", str(output), "--server_address", f"http://127.0.0.1:{port}/v1",
                        f"++max_concurrent_requests={args.concurrency}", "++inference.tokens_to_generate=16"]
            return [sys.executable, __file__, "--role", name, "--port", str(port), "--requests", str(count),
                    "--concurrency", str(args.concurrency)]

        names = args.only or ["ns", "openai", "aiohttp"]
        # The CPU a client spends outside the requests (interpreter start-up, imports, the final file): a run of
        # one window's worth of requests, subtracted from the full run to give CPU seconds per request.
        fixed = {name: measure(name, argv(name, args.concurrency, work / "small-out.jsonl"), port, client_cpu, work)
                 for name in names}
        results: dict[str, list[dict]] = {}
        for round_index in range(args.rounds):
            for name in names:
                output = work / "output.jsonl"
                result = measure(name, argv(name, args.requests, output), port, client_cpu, work)
                if name == "ns":
                    check_output(output, args.requests)
                per_request = (result["cpu"] - fixed[name]["cpu"]) / (args.requests - args.concurrency)
                result["per_cpu"] = 1 / per_request if per_request > 0 else float("nan")
                results.setdefault(name, []).append(result)
                print(f"round {round_index + 1} {name:8s} {result['count']} requests in {result['seconds']:.2f} s = "
                      f"{result['rate']:.0f} req/s (stub window); {result['per_cpu']:.0f} req per CPU-second of the "
                      f"client; peak RSS {result['rss']:.0f} MB", flush=True)
        best = {name: max(r["rate"] for r in runs) for name, runs in results.items()}
        per_cpu = {name: max(r["per_cpu"] for r in runs) for name, runs in results.items()}
        print("best req/s (stub window): " + ", ".join(f"{name} {rate:.0f}" for name, rate in best.items()))
        print("req per client CPU-second: " + ", ".join(f"{name} {rate:.0f}" for name, rate in per_cpu.items()))
        if "ns" in best:
            ratios = [f"ns/{other} {best['ns'] / rate:.2f}x (CPU {per_cpu['ns'] / per_cpu[other]:.2f}x)"
                      for other, rate in best.items() if other != "ns" and rate]
            rss = max(r["rss"] for r in results["ns"])
            print(f"ns generate: {', '.join(ratios) or 'alone'}; peak RSS {rss:.0f} MB; every record checked")
    finally:
        stub.terminate()
        stub.wait(timeout=10)


if __name__ == "__main__":
    main()

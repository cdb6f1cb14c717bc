"""Generated tokens/s of `ns generate` (the CLI) vs a bare AsyncOpenAI loop, same server, prompts and concurrency;
and of the CPU server with nskit's CPU binding beside vLLM's default binding.

    .venv/bin/python bench/generation.py --server_address http://127.0.0.1:8123/v1 [--requests 128] [--concurrency 32]
    .venv/bin/python bench/generation.py [--bindings default,derived]     # starts the embedded model itself

Without --server_address it starts the embedded model on vLLM CPU (eager), once per binding, one after the other:
`default` is vLLM's own (`VLLM_CPU_OMP_THREADS_BIND=auto`: one OpenMP thread, a core reserved), `derived` is what
nskit sets (every usable CPU, none reserved; see nskit/servers/cpu_binding.py). On each server rounds alternate
(bare, ns, bare, ns, ...) so a drifting machine load hits both alike; the medians are compared. Both sides send
the same chat prompts with temperature 0.7, seed 0 and the same max_tokens. `ns generate` runs as a CLI process
(prompt rendering, retries, partial-file writes, final file); its window runs from the first record's start to
the last record's end (from the records' own times), so interpreter start-up is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def problems(count: int) -> list[dict]:
    """Synthetic word problems (no data download needed)."""
    return [{"id": f"b{i}", "problem": f"A shop sells {i + 3} apples per box. How many apples are in {i % 7 + 2} boxes?",
             "expected_answer": str((i + 3) * (i % 7 + 2))} for i in range(count)]


async def bare_loop(base_url: str, model: str, records: list[dict], concurrency: int, max_tokens: int) -> tuple[int, float]:
    """The reference: AsyncOpenAI + a semaphore, nothing else."""
    import openai

    from nskit.prompt.render import load_prompt_config

    config = load_prompt_config("generic/math")
    client = openai.AsyncOpenAI(base_url=base_url, api_key="EMPTY", max_retries=0)
    semaphore = asyncio.Semaphore(concurrency)
    tokens = 0

    async def one(index: int, record: dict) -> None:
        nonlocal tokens
        async with semaphore:
            response = await client.chat.completions.create(
                model=model, messages=config.render(record), temperature=0.7, top_p=0.95,
                max_tokens=max_tokens, seed=0,
            )
            tokens += response.usage.completion_tokens

    start = time.monotonic()
    await asyncio.gather(*(one(i, r) for i, r in enumerate(records)))
    elapsed = time.monotonic() - start
    await client.close()
    return tokens, elapsed


def nskit_loop(base_url: str, model: str, records: list[dict], concurrency: int, max_tokens: int) -> tuple[int, float]:
    """`ns generate` as a CLI process on the same records: (generated tokens, seconds first start -> last end)."""
    import subprocess

    from nskit.records import iter_jsonl

    with tempfile.TemporaryDirectory() as tmp:
        source, output = Path(tmp) / "in.jsonl", Path(tmp) / "output.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in records))
        argv = [sys.executable, "-m", "nskit", "generate", "--input_file", str(source), "--output_file", str(output),
                "--server_address", base_url, "--model", model, "++prompt_config=generic/math",
                f"++max_concurrent_requests={concurrency}", f"++inference.tokens_to_generate={max_tokens}",
                "++inference.temperature=0.7", "++inference.top_p=0.95", "++inference.random_seed=0"]
        done = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, check=False)
        if done.returncode != 0:
            raise SystemExit(f"ns generate failed:\n{done.stderr[-3000:]}")
        out = list(iter_jsonl(output))
    if len(out) != len(records) or any("error" in r for r in out):
        raise SystemExit("ns generate left records missing or with errors")
    window = max(r["generation_end_time"] for r in out) - min(r["generation_start_time"] for r in out)
    return sum(r["num_generated_tokens"] for r in out), window


def compare(address: str, args: argparse.Namespace) -> tuple[float, float]:
    """Alternate rounds of the bare loop and ns generate on one server; the median tok/s of each."""
    import openai

    model = asyncio.run(_first_model(openai, address))
    records = problems(args.requests)
    asyncio.run(bare_loop(address, model, records[:8], args.concurrency, 16))  # warm-up
    bare_rates, nskit_rates = [], []
    for round_index in range(args.rounds):
        for name, rates in (("bare", bare_rates), ("ns", nskit_rates)):
            if name == "bare":
                tokens, seconds = asyncio.run(bare_loop(address, model, records, args.concurrency, args.max_tokens))
            else:
                tokens, seconds = nskit_loop(address, model, records, args.concurrency, args.max_tokens)
            rates.append(tokens / seconds)
            print(f"  round {round_index + 1} {name:4s}: {tokens} tokens in {seconds:.1f} s = {tokens / seconds:.1f} "
                  "tok/s", flush=True)
    return statistics.median(bare_rates), statistics.median(nskit_rates)


def main() -> None:
    """Per server (or per binding): alternate rounds, print tokens/s of both and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server_address")
    parser.add_argument("--bindings", default="default,derived", help="servers to start, in order (no --server_address)")
    parser.add_argument("--requests", type=int, default=128)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--max_tokens", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    shape = f"{args.requests} requests, {args.concurrency} in flight, max_tokens {args.max_tokens}"
    if args.server_address is not None:
        bare, ours = compare(args.server_address, args)
        print(f"median tok/s: bare AsyncOpenAI {bare:.1f}, ns generate {ours:.1f}; ratio {ours / bare:.3f} ({shape})")
        return

    from nskit.config.cluster import load_cluster_config
    from nskit.models.embedded import embedded_model_dir
    from nskit.servers.cpu_binding import BIND
    from nskit.servers.launch import launch_server, server_request

    cluster = load_cluster_config("local")
    results = {}
    for binding in args.bindings.split(","):
        request = server_request("vllm", str(embedded_model_dir()), cluster)
        if binding == "default":
            request.env[BIND] = "auto"  # vLLM's own default; nskit's binding steps aside when this is set
        server = launch_server(request, Path(tempfile.mkdtemp()) / "server.log", base_env=cluster.environment())
        chosen = {k: v for k, v in server.environment().items() if k.startswith("VLLM_CPU_") and "KVCACHE" not in k}
        print(f"binding {binding}: {chosen}", flush=True)
        with server:
            results[binding] = compare(server.base_url, args)
        bare, ours = results[binding]
        print(f"binding {binding}: median tok/s bare AsyncOpenAI {bare:.1f}, ns generate {ours:.1f}; "
              f"ratio {ours / bare:.3f} ({shape})", flush=True)
    if "default" in results and "derived" in results:
        print(f"CPU binding: derived/default {results['derived'][0] / results['default'][0]:.2f}x (bare loop), "
              f"{results['derived'][1] / results['default'][1]:.2f}x (ns generate)")


async def _first_model(openai, base_url: str) -> str:
    client = openai.AsyncOpenAI(base_url=base_url, api_key="EMPTY")
    models = await client.models.list()
    await client.close()
    return models.data[0].id


if __name__ == "__main__":
    main()

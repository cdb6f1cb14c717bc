"""Generated tokens/s of nskit's generation loop vs a bare AsyncOpenAI loop, same server, prompts and concurrency.

    .venv/bin/python bench/generation.py --server_address http://127.0.0.1:8123/v1 [--requests 128] [--concurrency 32]

Without --server_address it starts the embedded model on vLLM CPU (eager) for the duration. Rounds alternate
(bare, nskit, bare, nskit, ...) so a drifting machine load hits both alike; the medians are compared. Both sides send
the same chat prompts with temperature 0.7, seed 0 and the same max_tokens; nskit runs its full path (prompt
rendering, retries, partial-file writes, finalize) in process, without the CLI's start-up.
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


async def nskit_loop(base_url: str, model: str, records: list[dict], concurrency: int, max_tokens: int) -> tuple[int, float]:
    """nskit's generation path (render, send, retry policy, append to the partial file, finalize), in process."""
    from nskit.config.generation import InferenceConfig
    from nskit.generation.client import ModelClient
    from nskit.generation.jobs import GenerationJob
    from nskit.generation.runner import run_jobs
    from nskit.prompt.render import load_prompt_config

    config = load_prompt_config("generic/math")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in records))
        jobs = [GenerationJob(input_file=source, output_file=Path(tmp) / "output.jsonl", prompt_config=config,
                              inference=InferenceConfig(temperature=0.7, top_p=0.95, tokens_to_generate=max_tokens),
                              model=model)]
        client = ModelClient(base_url, model)
        start = time.monotonic()
        summary = await run_jobs(jobs, client, concurrency)
        elapsed = time.monotonic() - start
        await client.close()
    return summary.generated_tokens, elapsed


def main() -> None:
    """Alternate rounds and print tokens/s of both and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server_address")
    parser.add_argument("--requests", type=int, default=128)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--max_tokens", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    server = None
    if args.server_address is None:
        from nskit.config.cluster import load_cluster_config
        from nskit.models.embedded import embedded_model_dir
        from nskit.servers.launch import start_cluster_server

        server = start_cluster_server("vllm", str(embedded_model_dir()), load_cluster_config("local"),
                                      Path(tempfile.mkdtemp()) / "server.log")
        server.start()
        args.server_address = server.base_url
    try:
        import openai

        model = asyncio.run(_first_model(openai, args.server_address))
        records = problems(args.requests)
        asyncio.run(bare_loop(args.server_address, model, records[:8], args.concurrency, 16))  # warm-up
        bare_rates, nskit_rates = [], []
        for round_index in range(args.rounds):
            for name, loop, rates in (("bare", bare_loop, bare_rates), ("nskit", nskit_loop, nskit_rates)):
                tokens, seconds = asyncio.run(loop(args.server_address, model, records, args.concurrency, args.max_tokens))
                rates.append(tokens / seconds)
                print(f"round {round_index + 1} {name:5s}: {tokens} tokens in {seconds:.1f} s = {tokens / seconds:.1f} tok/s",
                      flush=True)
        bare, ours = statistics.median(bare_rates), statistics.median(nskit_rates)
        print(f"median tok/s: bare AsyncOpenAI {bare:.1f}, ns generate {ours:.1f}; ratio {ours / bare:.3f} "
              f"({args.requests} requests, {args.concurrency} in flight, max_tokens {args.max_tokens})")
    finally:
        if server is not None:
            server.stop()


async def _first_model(openai, base_url: str) -> str:
    client = openai.AsyncOpenAI(base_url=base_url, api_key="EMPTY")
    models = await client.models.list()
    await client.close()
    return models.data[0].id


if __name__ == "__main__":
    main()

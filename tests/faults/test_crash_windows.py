"""The states a `kill -9` can leave between two writes, each resumed without a server round trip.

Complements the random-moment test (test_kill_eval.py), whose kills rarely land in these narrow windows:
- every record appended, killed before the final file was written;
- final file written, killed before the partial file was removed;
- a torn last line, even one cut inside a multi-byte character; a last record that only lacks its newline;
- `--retry_errors` killed while seeding its partial file; `--rerun_done` killed half-way.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from nskit.config.generation import InferenceConfig
from nskit.generation.client import ModelClient
from nskit.generation.jobs import GenerationJob
from nskit.generation.runner import RunSummary, run_jobs
from nskit.prompt.render import load_prompt_config
from nskit.records import PartialOutput, iter_jsonl
from tests.faults.helpers import write_problems

COUNT = 4


def make_job(tmp_path: Path) -> GenerationJob:
    source = tmp_path / "in.jsonl"
    if not source.exists():
        write_problems(source, COUNT)
    return GenerationJob(input_file=source, output_file=tmp_path / "output.jsonl",
                         prompt_config=load_prompt_config("generic/math"), inference=InferenceConfig(), model="m")


def answered(position: int, **extra: object) -> dict:
    return {"id": f"p{position}", "problem": f"What is {position} + {position + 1}?",
            "expected_answer": str(2 * position + 1), "generation": f"gen {position} é", **extra}


async def fake_strategy(client: ModelClient, job: GenerationJob, record: dict) -> dict:
    """Stands in for the server: answers from the record, and remembers it was asked."""
    asked.append(record["id"])
    final_during_run.append(job.output_file.read_text() if job.output_file.exists() else None)
    return {"generation": f"new {record['id']}", "num_generated_tokens": 1}


asked: list[str] = []
final_during_run: list[str | None] = []


def run(job: GenerationJob, **options: bool) -> RunSummary:
    asked.clear()
    final_during_run.clear()

    async def go() -> RunSummary:
        client = ModelClient("http://127.0.0.1:9/v1", model="m")  # never contacted: the strategy is a stub
        try:
            return await run_jobs([job], client, 4, strategy=fake_strategy, **options)
        finally:
            await client.close()

    return asyncio.run(go())


def seed_partial(job: GenerationJob, positions: range, tail: bytes = b"") -> PartialOutput:
    partial = PartialOutput(job.output_file, job.fingerprint())
    partial.open()
    for position in positions:
        partial.append(position, answered(position))
    partial.close()
    with open(partial.path, "ab") as handle:
        handle.write(tail)
    return partial


def test_killed_after_the_last_append_before_the_final_file(tmp_path: Path) -> None:
    job = make_job(tmp_path)
    partial = seed_partial(job, range(COUNT))
    summary = run(job)
    assert asked == [] and summary.jobs_finished == 1
    assert [r["generation"] for r in iter_jsonl(job.output_file)] == [f"gen {p} é" for p in range(COUNT)]
    assert not partial.path.exists() and not partial.meta_path.exists()


def test_killed_after_the_final_file_before_removing_the_partial(tmp_path: Path) -> None:
    job = make_job(tmp_path)
    partial = seed_partial(job, range(COUNT))
    job.output_file.write_text("".join(json.dumps(answered(p)) + "\n" for p in range(COUNT)))
    run(job)
    assert asked == [] and not partial.path.exists()
    assert len(list(iter_jsonl(job.output_file))) == COUNT


@pytest.mark.parametrize(
    ("tail", "kept"),
    [
        (b'{"id": "p2", "generation": "caf\xc3', 2),  # cut inside the two bytes of "é"
        (b'{"id": "p2", "gen', 2),
        (json.dumps({**answered(2), "_async_position": 2}).encode(), 3),  # complete, only the newline is missing
    ],
)
def test_torn_tail_is_repaired_and_nothing_finished_is_asked_again(tmp_path: Path, tail: bytes, kept: int) -> None:
    job = make_job(tmp_path)
    seed_partial(job, range(2), tail)
    run(job)
    assert sorted(asked) == [f"p{p}" for p in range(kept, COUNT)]
    records = list(iter_jsonl(job.output_file))
    assert [r["id"] for r in records] == [f"p{p}" for p in range(COUNT)]
    assert [r["generation"] for r in records[:kept]] == [f"gen {p} é" for p in range(kept)]


def test_retry_errors_killed_while_seeding_leaves_the_final_file_in_charge(tmp_path: Path) -> None:
    job = make_job(tmp_path)
    finished = [answered(p, **({"error": "http_500"} if p == 1 else {})) for p in range(COUNT)]
    job.output_file.write_text("".join(json.dumps(r) + "\n" for r in finished))
    # What a kill inside the seeding can leave: at most the sidecar (the partial is written in one rename).
    PartialOutput(job.output_file, {"stale": True}).meta_path.write_text('{"stale": true}')
    run(job, retry_errors=True)
    assert asked == ["p1"]
    records = list(iter_jsonl(job.output_file))
    assert [r["generation"] for r in records] == ["gen 0 é", "new p1", "gen 2 é", "gen 3 é"]
    assert not [r for r in records if "error" in r]


def test_rerun_done_keeps_the_old_final_file_until_the_new_one_is_complete(tmp_path: Path) -> None:
    job = make_job(tmp_path)
    old = "".join(json.dumps(answered(p)) + "\n" for p in range(COUNT))
    job.output_file.write_text(old)
    seed_partial(job, range(1))  # an earlier rerun killed after one record: started over, not mixed in
    run(job, rerun_done=True)
    assert sorted(asked) == [f"p{p}" for p in range(COUNT)]
    assert final_during_run == [old] * COUNT
    assert [r["generation"] for r in iter_jsonl(job.output_file)] == [f"new p{p}" for p in range(COUNT)]

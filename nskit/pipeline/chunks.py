"""`--benchmarks gsm8k:4,math-500:0` -> the output files to generate (benchmark x seed chunks, see records.layout)."""

from __future__ import annotations

from nskit.errors import UserError
from nskit.records.layout import Chunk


def parse_benchmarks(spec: str) -> list[tuple[str, int]]:
    """`"gsm8k:4,math-500"` -> `[("gsm8k", 4), ("math-500", 0)]`; a bad entry is a ValueError naming it."""
    result: list[tuple[str, int]] = []
    for entry in (e.strip() for e in spec.split(",")):
        if not entry:
            continue
        name, _, count = entry.partition(":")
        try:
            seeds = int(count) if count else 0
        except ValueError:
            raise UserError(f"bad benchmark entry {entry!r}: expected NAME or NAME:SEEDS (e.g. gsm8k:4)") from None
        if not name or seeds < 0:
            raise UserError(f"bad benchmark entry {entry!r}: expected NAME or NAME:SEEDS (e.g. gsm8k:4)")
        result.append((name, seeds))
    if not result:
        raise UserError("no benchmarks given (e.g. --benchmarks=gsm8k:4,math-500:0)")
    return result


def expand_chunks(
    benchmarks: list[tuple[str, int]],
    *,
    skip_greedy: bool = False,
    starting_seed: int = 0,
    split: str | None = None,
) -> list[Chunk]:
    """Every chunk of a run: greedy (unless skipped) plus seeds starting_seed .. starting_seed+N-1 per benchmark."""
    chunks = []
    for name, count in benchmarks:
        if not skip_greedy:
            chunks.append(Chunk(name, None, split))
        for seed in range(starting_seed, starting_seed + count):
            chunks.append(Chunk(name, seed, split))
    return chunks


def split_evenly(chunks: list[Chunk], num_jobs: int) -> list[list[Chunk]]:
    """Split chunks into `num_jobs` groups (-1 = one per chunk), round robin so each job gets a mix."""
    if num_jobs == -1 or num_jobs >= len(chunks):
        return [[c] for c in chunks]
    if num_jobs < 1:
        raise UserError(f"--num_jobs must be >= 1 or -1, got {num_jobs}")
    groups: list[list[Chunk]] = [[] for _ in range(num_jobs)]
    for index, chunk in enumerate(chunks):
        groups[index % num_jobs].append(chunk)
    return groups

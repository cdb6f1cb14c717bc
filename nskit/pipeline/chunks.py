"""`--benchmarks gsm8k:4,math-500:0` -> the output files to generate (benchmark x seed chunks)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Chunk:
    """One output file: greedy (`seed is None`) or one sampled seed of one benchmark."""

    benchmark: str
    seed: int | None
    split: str | None = None
    """None: the benchmark's default split (test)."""

    def output_file(self, output_dir: Path) -> Path:
        """`<output_dir>/eval-results/<benchmark>/output.jsonl` or `output-rs{seed}.jsonl` (see `benchmark_dir`)."""
        name = "output.jsonl" if self.seed is None else f"output-rs{self.seed}.jsonl"
        return benchmark_dir(output_dir, self.benchmark, self.split) / name

    def label(self) -> str:
        """Short name for logs and job names."""
        return f"{self.benchmark}:{'greedy' if self.seed is None else f'rs{self.seed}'}"


def results_dir(output_dir: Path, split: str | None = None) -> Path:
    """`<output_dir>/eval-results` for the test split; `<output_dir>/<split>-results` for any other split, so
    generations on training problems never mix with test results (nor enter their summary)."""
    return output_dir / ("eval-results" if split in (None, "test") else f"{split}-results")


def benchmark_dir(output_dir: Path, benchmark: str, split: str | None = None) -> Path:
    """Where one benchmark's output files go (per split: see `results_dir`)."""
    return results_dir(output_dir, split) / benchmark


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
            raise ValueError(f"bad benchmark entry {entry!r}: expected NAME or NAME:SEEDS (e.g. gsm8k:4)") from None
        if not name or seeds < 0:
            raise ValueError(f"bad benchmark entry {entry!r}: expected NAME or NAME:SEEDS (e.g. gsm8k:4)")
        result.append((name, seeds))
    if not result:
        raise ValueError("no benchmarks given (e.g. --benchmarks=gsm8k:4,math-500:0)")
    return result


def expand_chunks(
    benchmarks: list[tuple[str, int]],
    *,
    skip_greedy: bool = False,
    starting_seed: int = 0,
    seeds: set[int] | None = None,
    split: str | None = None,
) -> list[Chunk]:
    """Every chunk of a run: greedy (unless skipped) plus seeds starting_seed .. starting_seed+N-1 per benchmark.

    `seeds` keeps only those seeds (a job of a split run); greedy is kept unless `skip_greedy`.
    """
    chunks = []
    for name, count in benchmarks:
        if not skip_greedy:
            chunks.append(Chunk(name, None, split))
        for seed in range(starting_seed, starting_seed + count):
            if seeds is None or seed in seeds:
                chunks.append(Chunk(name, seed, split))
    return chunks


def split_evenly(chunks: list[Chunk], num_jobs: int) -> list[list[Chunk]]:
    """Split chunks into `num_jobs` groups (-1 = one per chunk), round robin so each job gets a mix."""
    if num_jobs == -1 or num_jobs >= len(chunks):
        return [[c] for c in chunks]
    if num_jobs < 1:
        raise ValueError(f"--num_jobs must be >= 1 or -1, got {num_jobs}")
    groups: list[list[Chunk]] = [[] for _ in range(num_jobs)]
    for index, chunk in enumerate(chunks):
        groups[index % num_jobs].append(chunk)
    return groups

"""The on-disk layout of a run (NeMo-Skills compatible): the only code that knows output file names.

```
<output_dir>/eval-results/<benchmark>/output.jsonl            greedy
<output_dir>/eval-results/<benchmark>/output-rs<seed>.jsonl   one sampled seed
<output_dir>/<split>-results/<benchmark>/...                  the same for a split other than test (train-results/)
<final>-async, <final>-async.meta.json                        work in progress of <final> (records.partial)
```

A chunk is one such output file, named on command lines by its label `<benchmark>:greedy` or `<benchmark>:rs<seed>`
(`chunk_label` writes it, `parse_chunk_label` reads it back).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from nskit.errors import UserError

EVAL_RESULTS = "eval-results"
GREEDY_FILE = "output.jsonl"
SEED_FILE_GLOB = "output-rs*.jsonl"
OUTPUTS_GLOB = "output*.jsonl"
"""Greedy and seed files of one benchmark folder (what `ns grade` of a benchmark reads)."""
PARTIAL_SUFFIX = "-async"
META_SUFFIX = ".meta.json"
GREEDY_LABEL = "greedy"

_SEED_FILE = re.compile(r"^output-rs(\d+)\.jsonl$")
_SEED_SUFFIX = re.compile(r"-rs(\d+)\.jsonl$")
_SEED_LABEL = re.compile(r"^rs(\d+)$")


def seed_file_name(seed: int | None) -> str:
    """`output.jsonl` for greedy (`None`), `output-rs{seed}.jsonl` for a sampled seed."""
    return GREEDY_FILE if seed is None else f"output-rs{seed}.jsonl"


def results_dir(output_dir: Path, split: str | None = None) -> Path:
    """`<output_dir>/eval-results` for the test split (None: the default); `<output_dir>/<split>-results` for any
    other split, so generations on training problems never mix with test results (nor enter their summary)."""
    return output_dir / (EVAL_RESULTS if split in (None, "test") else f"{split}-results")


TOKEN_LOG_SUFFIX = ".tokens"
"""The per-token log beside an output file: `output-rs0.jsonl` -> `output-rs0.tokens` (`++inference.token_log`)."""
TOKEN_TRACES = "token-traces"
"""`ns token_traces` writes `<output_dir>/token-traces/<benchmark>/output.jsonl` (and its `.tokens`)."""


def token_log_path(output: str | Path) -> Path:
    """The token log of an output file (a `.tokens` path is returned as it is)."""
    output = Path(output)
    if output.suffix == TOKEN_LOG_SUFFIX:
        return output
    if output.suffix == ".jsonl":
        return output.with_suffix(TOKEN_LOG_SUFFIX)
    return output.with_name(output.name + TOKEN_LOG_SUFFIX)


def traces_file(output_dir: Path, benchmark: str) -> Path:
    """Where `ns token_traces` puts the trace records of `benchmark`."""
    return output_dir / TOKEN_TRACES / benchmark / GREEDY_FILE


def benchmark_dir(output_dir: Path, benchmark: str, split: str | None = None) -> Path:
    """Where one benchmark's output files go (per split: see `results_dir`)."""
    return results_dir(output_dir, split) / benchmark


def outputs_pattern(output_dir: Path, benchmark: str, split: str | None = None) -> str:
    """A glob of every output file (greedy and seeds) of one benchmark."""
    return str(benchmark_dir(output_dir, benchmark, split) / OUTPUTS_GLOB)


def seed_of(path: str | Path) -> int | None:
    """The seed of a file named `...-rs<seed>.jsonl` (NeMo-Skills and nskit seed files), else None."""
    match = _SEED_SUFFIX.search(Path(path).name)
    return int(match.group(1)) if match else None


def partial_path(final: Path) -> Path:
    """Where the in-progress records of `final` live."""
    return final.with_name(final.name + PARTIAL_SUFFIX)


def meta_path(partial: Path) -> Path:
    """The settings sidecar of a partial file."""
    return partial.with_name(partial.name + META_SUFFIX)


@dataclass(frozen=True)
class Chunk:
    """One output file: greedy (`seed is None`) or one sampled seed of one benchmark."""

    benchmark: str
    seed: int | None
    split: str | None = None
    """None: the benchmark's default split (test). Not part of the label: a run has one split (`--split`)."""

    def output_file(self, output_dir: Path) -> Path:
        """`<output_dir>/eval-results/<benchmark>/output.jsonl` or `output-rs{seed}.jsonl` (see `results_dir`)."""
        return benchmark_dir(output_dir, self.benchmark, self.split) / seed_file_name(self.seed)

    def label(self) -> str:
        """The chunk on command lines, in logs and job names: `gsm8k:greedy`, `gsm8k:rs3`."""
        return f"{self.benchmark}:{GREEDY_LABEL if self.seed is None else f'rs{self.seed}'}"


def parse_chunk_label(label: str, split: str | None = None) -> Chunk:
    """`gsm8k:greedy` or `gsm8k:rs3` -> the chunk of `split` (the inverse of `Chunk.label`); ValueError naming the
    label."""
    name, _, kind = label.strip().rpartition(":")
    match = _SEED_LABEL.match(kind)
    if name and kind == GREEDY_LABEL:
        return Chunk(name, None, split)
    if name and match:
        return Chunk(name, int(match.group(1)), split)
    raise UserError(f"bad chunk {label!r}: expected BENCHMARK:{GREEDY_LABEL} or BENCHMARK:rsSEED")


def parse_chunk_labels(text: str, split: str | None = None) -> list[Chunk]:
    """`gsm8k:greedy,gsm8k:rs3` -> chunks of `split` (the form `ns eval` passes to its generation steps)."""
    return [parse_chunk_label(part, split) for part in text.split(",") if part.strip()]


def chunk_labels(chunks: list[Chunk]) -> str:
    """Chunks as one `--chunks` value."""
    return ",".join(chunk.label() for chunk in chunks)


@dataclass
class BenchmarkFiles:
    """The final output files of one benchmark folder (chunks and in-progress files are not final)."""

    name: str
    folder: Path
    greedy: Path | None = None
    seeds: list[tuple[int, Path]] = field(default_factory=list)
    """(seed, path), ordered by seed number (rs2 before rs10)."""


def benchmark_files(folder: Path) -> BenchmarkFiles:
    """The greedy and seed files of one benchmark folder."""
    found = BenchmarkFiles(name=folder.name, folder=folder)
    if (folder / GREEDY_FILE).is_file():
        found.greedy = folder / GREEDY_FILE
    for path in folder.iterdir():
        match = _SEED_FILE.match(path.name)
        if match and path.is_file():
            found.seeds.append((int(match.group(1)), path))
    found.seeds.sort()
    return found


def _has_outputs(folder: Path) -> bool:
    files = benchmark_files(folder)
    return files.greedy is not None or bool(files.seeds)


def results_root(root: Path) -> Path:
    """The folder the benchmarks of `root` are in (`root/eval-results` when present): where metrics.json goes."""
    return root / EVAL_RESULTS if (root / EVAL_RESULTS).is_dir() else root


def find_benchmarks(root: Path) -> list[BenchmarkFiles]:
    """Benchmarks under `root` (a dir holding eval-results/, a dir of benchmark folders, or one), sorted by name;
    raises FileNotFoundError naming what was looked for."""
    if not root.is_dir():
        raise FileNotFoundError(f"no such directory: {root}")
    base = results_root(root)
    if _has_outputs(base):
        return [benchmark_files(base)]
    folders = sorted(p for p in base.iterdir() if p.is_dir() and _has_outputs(p))
    if not folders:
        raise FileNotFoundError(
            f"no {GREEDY_FILE} or {SEED_FILE_GLOB} in {base} or its sub-folders "
            f"(expected <dir>/{EVAL_RESULTS}/<benchmark>/, <dir>/<benchmark>/ or one benchmark folder)"
        )
    return [benchmark_files(folder) for folder in folders]

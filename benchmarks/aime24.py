"""AIME 2024 (30 problems, AIME I and II), NeMo-Skills' own file `nemo_skills/dataset/aime24/test.txt`.

Quirks handled (see `_aime.convert_aime`):
- Zero-padded answers (`073` in the reference solutions, and in the Qwen2.5-Math copy's `answer` field) become
  plain integers (`73`); the converter also reads the Qwen2.5-Math format.
- NeMo-Skills ships this file in its repository rather than downloading it; the pinned URL is its raw GitHub URL,
  so ids (`aime24-0` ...) and order match NeMo-Skills runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit_benchmarks._aime import convert_aime

from nskit.datasets import Benchmark, Record, Source


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """See `convert_aime`."""
    return convert_aime("aime24", files)


BENCHMARK = Benchmark(
    name="aime24",
    description="AIME 2024 I and II",
    sources=(
        Source(
            "test",
            "https://raw.githubusercontent.com/NVIDIA/NeMo-Skills/main/nemo_skills/dataset/aime24/test.txt",
            sha256="e428f83ec735201c9db2a232727f4c20dbce87079ed386b6e3fb7f756d078756",
        ),
    ),
    convert=convert,
    size=30,
)

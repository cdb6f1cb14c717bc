"""AIME 2025 (30 problems, AIME I and II), NeMo-Skills' own file `nemo_skills/dataset/aime25/test.txt`.

Quirks handled (see `_aime.convert_aime`): zero-padded answers become plain integers; NeMo-Skills ships the file
in its repository, so the pinned URL is its raw GitHub URL and ids (`aime25-0` ...) match NeMo-Skills runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit_benchmarks._aime import convert_aime

from nskit.datasets import Benchmark, Record, Source


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """See `convert_aime`."""
    return convert_aime("aime25", files)


BENCHMARK = Benchmark(
    name="aime25",
    description="AIME 2025 I and II",
    sources=(
        Source(
            "test",
            "https://raw.githubusercontent.com/NVIDIA/NeMo-Skills/main/nemo_skills/dataset/aime25/test.txt",
            sha256="b672f9c6660b68dd42f5fc705b17405f24eaa9991c98991d63463c6b683468a8",
        ),
    ),
    convert=convert,
    size=30,
)

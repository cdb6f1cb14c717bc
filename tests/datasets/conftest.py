"""Fixtures for the benchmark catalogue tests: every mirrored benchmark prepared once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from nskit.datasets import list_benchmarks, mirror_path, prepare_benchmark

#: Benchmarks whose upstream file is missing from the mirror (see mirror/SOURCES.md "Not mirrored").
NOT_MIRRORED = {"omni-math"}


@pytest.fixture(scope="session")
def prepared_dir(mirror_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding every mirrored benchmark, prepared from the mirror."""
    data_dir = tmp_path_factory.mktemp("data")
    for benchmark in list_benchmarks():
        if benchmark.name not in NOT_MIRRORED:
            prepare_benchmark(benchmark.name, data_dir, mirror_dir)
    return data_dir


@pytest.fixture
def mirror_copy(mirror_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the mirror files of aime24 and amc23, safe to corrupt."""
    import shutil

    from nskit.datasets import get_benchmark

    copy = tmp_path / "mirror"
    for name in ("aime24", "amc23"):
        for source in get_benchmark(name).sources:
            target = mirror_path(source.url, copy)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(mirror_path(source.url, mirror_dir), target)
    return copy

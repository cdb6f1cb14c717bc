"""Preparing a benchmark: fetch its pinned sources, convert, check, and write `<data_dir>/<name>/<split>.jsonl`.

The output is rewritten only when its bytes would change, so preparing twice leaves the file (and its mtime)
untouched; every write is atomic, so a failure leaves the previous file as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nskit.datasets.download import fetch, resolve_mirror
from nskit.datasets.errors import ConversionError
from nskit.datasets.registry import get_benchmark
from nskit.datasets.types import Benchmark, Record
from nskit.records import jsonl_bytes, schema, write_if_changed

if TYPE_CHECKING:
    from rich.console import Console

DATA_DIR_ENV = "NSKIT_DATA_DIR"
REQUIRED_FIELDS = (schema.ID, schema.PROBLEM, schema.EXPECTED_ANSWER)


@dataclass(frozen=True)
class PrepareResult:
    """What `prepare_benchmark` did: the file, how many records it holds, whether it was (re)written."""

    name: str
    path: Path
    records: int
    changed: bool


def resolve_data_dir(data_dir: str | Path | None) -> Path:
    """The data dir to use: the explicit argument, else `$NSKIT_DATA_DIR`, else `./data`."""
    if data_dir is not None:
        return Path(data_dir)
    return Path(os.environ.get(DATA_DIR_ENV) or "data")


def output_path(name: str, data_dir: str | Path | None = None, split: str | None = None) -> Path:
    """`<data_dir>/<name>/<split>.jsonl`, `name` as given (an alias gets its own folder, as in NeMo-Skills)."""
    return resolve_data_dir(data_dir) / name / f"{get_benchmark(name, split).split}.jsonl"


def build_records(benchmark: Benchmark, mirror: str | Path | None = None) -> list[Record]:
    """Fetch and verify every source of `benchmark`, convert, and check the records (fields, ids, count)."""
    with tempfile.TemporaryDirectory(prefix=f"nskit-{benchmark.name}-") as workdir:
        files = {source.key: fetch(source, Path(workdir), mirror=mirror) for source in benchmark.sources}
        records = list(benchmark.convert(files))
    check_records(benchmark, records)
    return records


def check_records(benchmark: Benchmark, records: Iterable[Record]) -> None:
    """Every record has non-empty string `id`, `problem`, `expected_answer`; ids are unique; count is `size`."""
    seen: set[str] = set()
    count = 0
    for index, record in enumerate(records):
        count += 1
        where = f"{benchmark.name} record {index} (id {record.get('id')!r})"
        for key in REQUIRED_FIELDS:
            value = record.get(key)
            if not isinstance(value, str) or not value.strip():
                raise ConversionError(where, f"field {key!r} must be a non-empty string, got {value!r}")
        if record["id"] in seen:
            raise ConversionError(where, "duplicate id")
        seen.add(record["id"])
    if count != benchmark.size:
        raise ConversionError(benchmark.name, f"converter produced {count} records, the adapter pins {benchmark.size}")


def prepare_benchmark(
    name: str, data_dir: str | Path | None = None, mirror: str | Path | None = None, split: str | None = None
) -> PrepareResult:
    """Prepare one split (default: the benchmark's own) of a benchmark; the file is written only if its bytes change."""
    benchmark = get_benchmark(name, split)
    path = output_path(name, data_dir, split)
    records = build_records(benchmark, resolve_mirror(mirror))
    changed = write_if_changed(path, jsonl_bytes(records))
    return PrepareResult(name, path, len(records), changed=changed)


def describe(result: PrepareResult) -> str:
    """One line for the user about a `PrepareResult`."""
    if result.changed:
        return f"{result.name}: wrote {result.records} records to {result.path}"
    return f"{result.name}: up to date ({result.records} records in {result.path})"


def prepare(
    name: str,
    data_dir: str | Path | None = None,
    mirror: str | Path | None = None,
    *,
    split: str | None = None,
    console: Console | None = None,
) -> Path:
    """Prepare one benchmark and say what happened (written, or already up to date); returns the data file."""
    from rich.console import Console

    result = prepare_benchmark(name, data_dir, mirror, split)
    (console or Console(stderr=True)).print(describe(result), highlight=False, soft_wrap=True)
    return result.path


def ensure_prepared(
    name: str,
    data_dir: str | Path | None = None,
    mirror: str | Path | None = None,
    *,
    split: str | None = None,
    console: Console | None = None,
) -> Path:
    """The data file of `name` (on `split`), preparing it only when missing (nothing is fetched or hashed otherwise).

    An existing file under any other name of the same benchmark is used too, so a NeMo-Skills v0.7 data dir
    with `hendrycks_math/test.jsonl` serves `math` without preparing anything.
    """
    benchmark = get_benchmark(name, split)
    root = resolve_data_dir(data_dir)
    for candidate in dict.fromkeys((name, *benchmark.names)):
        path = root / candidate / f"{benchmark.split}.jsonl"
        if path.is_file():
            return path
    return prepare(name, root, mirror, split=split, console=console)

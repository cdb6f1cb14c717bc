"""The benchmark catalogue: adapter types, name lookup, pinned downloads and `prepare` / `ensure_prepared`.

The adapters themselves live in the top-level `benchmarks/` folder (importable as `nskit_benchmarks`).
"""

from nskit.datasets.convert import (
    boxed_answer,
    number_text,
    strip_leading_zeros,
    strip_math_delimiters,
)
from nskit.datasets.download import fetch, mirror_path, resolve_mirror, verify
from nskit.datasets.errors import (
    ChecksumError,
    ConversionError,
    DatasetError,
    DownloadError,
    UnknownBenchmarkError,
    UnknownSplitError,
)
from nskit.datasets.prepare import (
    PrepareResult,
    build_records,
    ensure_prepared,
    output_path,
    prepare,
    prepare_benchmark,
    resolve_data_dir,
)
from nskit.datasets.registry import (
    get_benchmark,
    list_benchmarks,
    list_groups,
    resolve_names,
)
from nskit.datasets.types import Benchmark, Converter, Record, Source, Split, SubsetField

__all__ = [
    "Benchmark",
    "ChecksumError",
    "ConversionError",
    "Converter",
    "DatasetError",
    "DownloadError",
    "PrepareResult",
    "Record",
    "Source",
    "Split",
    "SubsetField",
    "UnknownBenchmarkError",
    "UnknownSplitError",
    "boxed_answer",
    "build_records",
    "ensure_prepared",
    "fetch",
    "get_benchmark",
    "list_benchmarks",
    "list_groups",
    "mirror_path",
    "number_text",
    "output_path",
    "prepare",
    "prepare_benchmark",
    "resolve_data_dir",
    "resolve_mirror",
    "resolve_names",
    "strip_leading_zeros",
    "strip_math_delimiters",
    "verify",
]

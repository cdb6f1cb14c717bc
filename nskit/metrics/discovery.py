"""Finding benchmarks and their output files: the layout's discovery, re-exported for the metrics."""

from nskit.records.layout import BenchmarkFiles, benchmark_files, find_benchmarks, results_root

__all__ = ["BenchmarkFiles", "benchmark_files", "find_benchmarks", "results_root"]

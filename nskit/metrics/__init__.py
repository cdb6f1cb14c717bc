"""Metrics: streaming aggregation (one pass, per-problem counters), the estimators, tables, JSON and plots."""

from nskit.metrics.discovery import BenchmarkFiles, find_benchmarks
from nskit.metrics.estimators import mean_pass_at_k, pass_at_k, sample_std
from nskit.metrics.rows import Row
from nskit.metrics.summary import BenchmarkResult, Summary, summarize

__all__ = [
    "BenchmarkFiles",
    "BenchmarkResult",
    "Row",
    "Summary",
    "find_benchmarks",
    "mean_pass_at_k",
    "pass_at_k",
    "sample_std",
    "summarize",
]

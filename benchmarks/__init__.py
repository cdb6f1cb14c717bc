"""The benchmark adapters (importable as `nskit_benchmarks`): one module per benchmark, registered below.

Adding a benchmark: write `benchmarks/<name>.py` defining `BENCHMARK = Benchmark(...)` (sources pinned by sha256,
a converter, defaults) and add it to `BENCHMARKS`. See docs/adding_a_benchmark.md.
"""

from __future__ import annotations

from nskit_benchmarks import (
    aime24,
    aime25,
    amc23,
    asdiv,
    college_math,
    gsm8k,
    gsm_hard,
    hendrycks_math,
    humaneval,
    math_500,
    mawps,
    mbpp,
    mbpp_sanitized,
    minerva_math,
    olympiadbench,
    omni_math,
    svamp,
)

from nskit.datasets.types import Benchmark

BENCHMARKS: tuple[Benchmark, ...] = (
    gsm8k.BENCHMARK,
    hendrycks_math.BENCHMARK,
    math_500.BENCHMARK,
    aime24.BENCHMARK,
    aime25.BENCHMARK,
    amc23.BENCHMARK,
    omni_math.BENCHMARK,
    minerva_math.BENCHMARK,
    olympiadbench.BENCHMARK,
    gsm_hard.BENCHMARK,
    svamp.BENCHMARK,
    asdiv.BENCHMARK,
    mawps.BENCHMARK,
    college_math.BENCHMARK,
    humaneval.BENCHMARK,
    mbpp.BENCHMARK,
    mbpp_sanitized.BENCHMARK,
)

#: Names that stand for several benchmarks on the command line (`ns prepare_data math-suite`).
GROUPS: dict[str, tuple[str, ...]] = {
    # The competition and textbook sets that math papers report (Qwen2.5-Math, NeMo-Skills/OpenMath tables).
    "math-suite": (
        "gsm8k",
        "math",
        "math-500",
        "aime24",
        "aime25",
        "amc23",
        "minerva_math",
        "olympiadbench",
        "college_math",
    ),
    # Grade-school word problems.
    "word-problems": ("gsm8k", "gsm-hard", "svamp", "asdiv", "mawps"),
    # Python code, graded by running tests in the sandbox.
    "code": ("humaneval", "mbpp", "mbpp-sanitized"),
    "all": tuple(benchmark.name for benchmark in BENCHMARKS),
}

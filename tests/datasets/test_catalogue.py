"""The registry: names, aliases, groups, adapter defaults and pins."""

from __future__ import annotations

import importlib
import pkgutil

import nskit_benchmarks
import pytest

from nskit.datasets import (
    UnknownBenchmarkError,
    get_benchmark,
    list_benchmarks,
    list_groups,
    resolve_names,
)

ALL = [
    "gsm8k", "math", "math-500", "aime24", "aime25", "amc23", "omni-math", "minerva_math", "olympiadbench",
    "gsm-hard", "svamp", "asdiv", "mawps", "college_math", "humaneval", "mbpp", "mbpp-sanitized",
]  # fmt: skip


def test_every_benchmark_is_registered() -> None:
    assert [benchmark.name for benchmark in list_benchmarks()] == ALL


def test_every_adapter_module_is_registered() -> None:
    registered = {benchmark.convert.__module__ for benchmark in list_benchmarks()}
    modules = {
        f"nskit_benchmarks.{info.name}"
        for info in pkgutil.iter_modules(nskit_benchmarks.__path__)
        if not info.name.startswith("_")
    }
    assert modules == registered
    for module in modules:
        assert importlib.import_module(module).__doc__, f"{module} must document its quirks"


def test_hendrycks_math_alias() -> None:
    assert get_benchmark("hendrycks_math") is get_benchmark("math")


def test_defaults_for_eval() -> None:
    benchmark = get_benchmark("aime24")
    assert (benchmark.prompt_config, benchmark.extraction, benchmark.metric_type, benchmark.split) == (
        "generic/math", "boxed", "math", "test")  # fmt: skip
    from nskit.grading import EXTRACTIONS

    from nskit.grading.choice import CODE_EXTRACTION

    assert all(b.extraction in (*EXTRACTIONS, CODE_EXTRACTION) for b in list_benchmarks())
    code = get_benchmark("humaneval")
    assert (code.prompt_config, code.extraction, code.metric_type) == ("code/humaneval", "code", "code")


def test_every_source_is_pinned() -> None:
    for benchmark in list_benchmarks():
        for source in benchmark.sources:
            assert source.url.startswith("https://"), source.url
            digest = source.sha256 or source.git_blob
            assert digest and len(digest) in (40, 64) and int(digest, 16) >= 0


def test_groups_expand_in_order_without_repeats() -> None:
    assert "math-suite" in list_groups()
    names = resolve_names(["aime24", "math-suite", "hendrycks_math"])
    assert names[0] == "aime24" and names.count("aime24") == 1 and names[-1] == "hendrycks_math"
    assert set(list_groups()["math-suite"]) <= set(names)
    assert resolve_names(["all"]) == ALL


def test_unknown_name_suggests_close_ones() -> None:
    with pytest.raises(UnknownBenchmarkError, match="Did you mean aime24"):
        get_benchmark("aime2024")
    with pytest.raises(UnknownBenchmarkError, match="unknown benchmark 'gsm9k'"):
        resolve_names(["gsm8k", "gsm9k"])


def test_source_label() -> None:
    assert get_benchmark("math-500").source_label == "openai/prm800k"
    assert get_benchmark("mawps").source_label == "microsoft/ToRA"


def test_clashing_names_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from nskit.datasets import DatasetError
    from nskit.datasets.registry import catalogue

    clash = replace(get_benchmark("gsm-hard"), name="gsm-hard-2", aliases=("gsm8k",))
    monkeypatch.setattr(nskit_benchmarks, "BENCHMARKS", (*nskit_benchmarks.BENCHMARKS, clash))
    catalogue.cache_clear()
    try:
        with pytest.raises(DatasetError, match="'gsm8k' is registered twice"):
            catalogue()
        monkeypatch.setattr(nskit_benchmarks, "BENCHMARKS", nskit_benchmarks.BENCHMARKS[:-1])
        monkeypatch.setattr(nskit_benchmarks, "GROUPS", {"bad": ("nope",)})
        catalogue.cache_clear()
        with pytest.raises(DatasetError, match="group 'bad' lists unknown benchmarks"):
            catalogue()
    finally:
        monkeypatch.undo()
        catalogue.cache_clear()

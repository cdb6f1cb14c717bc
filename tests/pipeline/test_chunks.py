"""Benchmark specs expand into greedy + seed chunks and split across jobs."""

from __future__ import annotations

from pathlib import Path

import pytest

from nskit.pipeline.chunks import Chunk, expand_chunks, parse_benchmarks, split_evenly


def test_parse_and_expand() -> None:
    spec = parse_benchmarks("gsm8k:2, math-500")
    assert spec == [("gsm8k", 2), ("math-500", 0)]
    chunks = expand_chunks(spec)
    assert [c.label() for c in chunks] == ["gsm8k:greedy", "gsm8k:rs0", "gsm8k:rs1", "math-500:greedy"]
    assert [c.label() for c in expand_chunks(spec, skip_greedy=True, starting_seed=5)] == ["gsm8k:rs5", "gsm8k:rs6"]
    assert Chunk("gsm8k", 3).output_file(Path("/o")) == Path("/o/eval-results/gsm8k/output-rs3.jsonl")
    assert Chunk("gsm8k", None).output_file(Path("/o")).name == "output.jsonl"


@pytest.mark.parametrize("bad", ["gsm8k:x", ":3", "gsm8k:-1", " , "])
def test_bad_specs(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_benchmarks(bad)


def test_split_evenly() -> None:
    chunks = expand_chunks([("a", 3)])
    assert split_evenly(chunks, 1) == [chunks]
    groups = split_evenly(chunks, 2)
    assert set(sum(groups, [])) == set(chunks) and [len(g) for g in groups] == [2, 2]
    assert split_evenly(chunks, -1) == [[c] for c in chunks]

"""The on-disk layout: chunk labels round-trip, file names match discovery, seed numbers are read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from nskit.records import layout
from nskit.records.layout import Chunk, find_benchmarks, parse_chunk_label, parse_chunk_labels

CHUNKS = [Chunk("gsm8k", None), Chunk("gsm8k", 0), Chunk("math-500", 17), Chunk("aime:2024", 3), Chunk("a_b", None),
          Chunk("x", 123456)]


@pytest.mark.parametrize("chunk", CHUNKS, ids=lambda c: c.label())
def test_every_chunk_label_round_trips(chunk: Chunk, tmp_path: Path) -> None:
    assert parse_chunk_label(chunk.label()) == chunk
    assert parse_chunk_labels(layout.chunk_labels(CHUNKS)) == CHUNKS
    # The file a chunk writes is found again by discovery under the same seed.
    path = chunk.output_file(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}\n")
    found = [b for b in find_benchmarks(tmp_path) if b.name == chunk.benchmark][0]
    if chunk.seed is None:
        assert found.greedy == path
    else:
        assert found.seeds == [(chunk.seed, path)]
        assert layout.seed_of(path) == chunk.seed


@pytest.mark.parametrize("bad", ["gsm8k", "gsm8k:", ":greedy", "gsm8k:rs", "gsm8k:rsx", "gsm8k:seed3", "gsm8k:rs-1"])
def test_bad_labels_name_themselves(bad: str) -> None:
    with pytest.raises(ValueError, match="bad chunk"):
        parse_chunk_label(bad)


def test_partial_and_glob_names(tmp_path: Path) -> None:
    final = Chunk("gsm8k", 2).output_file(tmp_path)
    assert layout.partial_path(final).name == "output-rs2.jsonl-async"
    assert layout.meta_path(layout.partial_path(final)).name == "output-rs2.jsonl-async.meta.json"
    assert layout.outputs_pattern(tmp_path, "gsm8k") == str(tmp_path / "eval-results" / "gsm8k" / "output*.jsonl")
    assert layout.seed_of("output.jsonl") is None and layout.seed_of("output-rs2.jsonl-async") is None

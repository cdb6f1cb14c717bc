"""Input files are checked once per file state and read as a stream (256 seeds must not hold 256 copies)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nskit.config.generation import InferenceConfig
from nskit.generation.jobs import GenerationJob, _count_inputs
from nskit.prompt.render import load_prompt_config
from nskit.records import RecordFileError


def job(source: Path, seed: int, max_samples: int = -1) -> GenerationJob:
    return GenerationJob(input_file=source, output_file=source.with_name(f"output-rs{seed}.jsonl"),
                         prompt_config=load_prompt_config("generic/math"),
                         inference=InferenceConfig(random_seed=seed), max_samples=max_samples)


def test_inputs_are_checked_once_and_again_when_the_file_changes(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"problem": f"p{i}"}) + "\n" for i in range(5)))
    _count_inputs.cache_clear()
    assert job(source, 0).count_inputs() == job(source, 1).count_inputs() == 5
    assert _count_inputs.cache_info().hits == 1
    assert job(source, 2, max_samples=2).count_inputs() == 2
    assert [p for p, _ in job(source, 2, max_samples=2).iter_inputs()] == [0, 1]
    source.write_text(json.dumps({"problem": "only"}) + "\n")
    assert job(source, 3).count_inputs() == 1
    assert [r["problem"] for _, r in job(source, 3).iter_inputs()] == ["only"]


def test_missing_prompt_field_names_the_line(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps({"problem": "ok"}) + "\n\n" + json.dumps({"question": "?"}) + "\n")
    with pytest.raises(RecordFileError, match=r"bad.jsonl:3: record lacks field\(s\) \['problem'\]"):
        job(source, 0).count_inputs()

"""Jobs reading the same input file share one list of records (256 seeds must not hold 256 copies)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nskit.config.generation import InferenceConfig
from nskit.generation.jobs import GenerationJob
from nskit.prompt.render import load_prompt_config
from nskit.records import RecordFileError


def job(source: Path, seed: int, max_samples: int = -1) -> GenerationJob:
    return GenerationJob(input_file=source, output_file=source.with_name(f"output-rs{seed}.jsonl"),
                         prompt_config=load_prompt_config("generic/math"),
                         inference=InferenceConfig(random_seed=seed), max_samples=max_samples)


def test_inputs_are_shared_and_reloaded_when_the_file_changes(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"problem": f"p{i}"}) + "\n" for i in range(5)))
    first, second = job(source, 0).load_inputs(), job(source, 1).load_inputs()
    assert first is second and len(first) == 5
    assert len(job(source, 2, max_samples=2).load_inputs()) == 2
    source.write_text(json.dumps({"problem": "only"}) + "\n")
    assert [r["problem"] for r in job(source, 3).load_inputs()] == ["only"]


def test_missing_prompt_field_names_the_line(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps({"problem": "ok"}) + "\n\n" + json.dumps({"question": "?"}) + "\n")
    with pytest.raises(RecordFileError, match=r"bad.jsonl:3: record lacks field\(s\) \['problem'\]"):
        job(source, 0).load_inputs()

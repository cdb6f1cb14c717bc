"""What one generation step does: input file -> output file with a prompt and sampling parameters."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nskit.config.generation import InferenceConfig
from nskit.generation.reasoning import ReasoningSettings
from nskit.prompt.render import PromptConfig, PromptTemplate
from nskit.records import RecordFileError, iter_numbered


@dataclass
class GenerationJob:
    """Generate one output file (greedy or one seed: a `records.layout.Chunk`)."""

    input_file: Path
    output_file: Path
    prompt_config: PromptConfig
    inference: InferenceConfig
    template: PromptTemplate | None = None
    system_message: str | None = None
    max_samples: int = -1
    model: str = ""
    reasoning: ReasoningSettings = field(default_factory=ReasoningSettings)
    """How thinking is split from the answer (reasoning models)."""
    problem_ids: frozenset[str] | None = None
    """Only the input records with these ids (`++problem_ids`); `max_samples` counts among them."""
    settings: dict[str, Any] = field(default_factory=dict)
    """Every other setting that decides a record's content (strategy, code execution, ...), for the fingerprint."""

    def fingerprint(self) -> dict[str, Any]:
        """The settings that make two runs' records interchangeable (stored beside partial output)."""
        prompt = json.dumps(
            [self.prompt_config.model_dump(), self.template.model_dump() if self.template else None, self.system_message],
            sort_keys=True,
        )
        ids = {"problem_ids": sorted(self.problem_ids)} if self.problem_ids is not None else {}
        return {
            **ids,
            "input_file": str(self.input_file.resolve()),
            "model": self.model,
            "prompt_sha256": hashlib.sha256(prompt.encode()).hexdigest()[:16],
            "inference": self.inference.model_dump(),
            "max_samples": self.max_samples,
            "settings": self.settings,
        }

    def count_inputs(self) -> int:
        """How many input records this job has (the first `max_samples`), each checked to have what the prompt needs.

        Reads the file as a stream and keeps no record; the answer is cached per file state, so jobs reading the
        same file (256 seeds of one benchmark) check it once.
        """
        stat = self.input_file.stat()
        return _count_inputs(self.input_file.resolve(), stat.st_mtime_ns, stat.st_size, self.max_samples,
                             frozenset(self.prompt_config.fields()), self.problem_ids)

    def iter_inputs(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """`(position, record)` of the input records, read as a stream (checked by `count_inputs` first)."""
        records = (record for _, record in iter_numbered(self.input_file) if selected(record, self.problem_ids))
        for position, record in enumerate(records):
            if 0 <= self.max_samples <= position:
                return
            yield position, record


def selected(record: dict[str, Any], problem_ids: frozenset[str] | None) -> bool:
    """Whether `++problem_ids` keeps `record` (all are kept without it)."""
    return problem_ids is None or str(record.get("id")) in problem_ids


@functools.lru_cache(maxsize=64)
def _count_inputs(path: Path, _mtime_ns: int, _size: int, max_samples: int, needed: frozenset[str],
                  problem_ids: frozenset[str] | None = None) -> int:
    count = 0
    for line, record in iter_numbered(path):
        if 0 <= max_samples <= count:
            break
        if not selected(record, problem_ids):
            continue
        missing = sorted(k for k in needed if record.get(k) in (None, ""))
        if missing:
            raise RecordFileError(path, line, f"record lacks field(s) {missing} needed by the prompt")
        count += 1
    if not count:
        raise RecordFileError(path, None, "no input records" + (" with the ids of ++problem_ids" if problem_ids else ""))
    return count

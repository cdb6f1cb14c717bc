"""Fast reading of only the fields the metrics need (msgspec skips the rest, e.g. long generations, in C).

Bad input is reported exactly as `nskit.records` reports it: on a decoding failure the file is re-read with
`iter_numbered`, which raises `RecordFileError` naming the file and line.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import msgspec

from nskit.records import RecordFileError, iter_numbered


class MetricFields(msgspec.Struct):
    """The fields of one output record that summarize_results reads (all optional, any JSON type)."""

    id: Any = None
    problem: Any = None
    predicted_answer: Any = None
    symbolic_correct: Any = None
    is_correct: Any = None
    passed: Any = None
    judge_correct: Any = None
    judgement: Any = None
    error: Any = None
    grading_error: Any = None
    judge_error: Any = None
    answer_class: Any = None
    total_votes: Any = None
    num_generated_tokens: Any = None
    generation_start_time: Any = None
    generation_end_time: Any = None
    num_reasoning_tokens: Any = None
    num_answer_tokens: Any = None
    reward_model_score: Any = None
    subset_for_metrics: Any = None
    majority_votes: Any = None
    strategy: Any = None


_DECODERS: dict[type, msgspec.json.Decoder] = {}


def decode_fields(path: Path, data: bytes, fields: type[MetricFields] = MetricFields) -> list[MetricFields]:
    """The `fields` (MetricFields or a subclass with more fields) of every record in `data`, the content of `path`."""
    decoder = _DECODERS.get(fields)
    if decoder is None:
        decoder = _DECODERS[fields] = msgspec.json.Decoder(fields)
    try:
        return decoder.decode_lines(data)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as exc:
        for _ in iter_numbered(path):  # raises RecordFileError with the line number
            pass
        raise RecordFileError(path, None, f"could not decode: {exc}") from None


@functools.cache
def with_extra(extra: tuple[str, ...]) -> type[MetricFields]:
    """MetricFields plus the record fields named in `extra` (a benchmark's subset fields), read by `extra_value`."""
    if not extra:
        return MetricFields
    fields = [(f"_extra_{i}", Any, None) for i in range(len(extra))]
    renamed = {f"_extra_{i}": name for i, name in enumerate(extra)}
    return msgspec.defstruct("MetricFieldsWithSubsets", fields, bases=(MetricFields,), rename=renamed)


def extra_value(record: MetricFields, index: int) -> Any:
    """The value of the `index`-th extra field asked of `read_fields` (None when absent or not read)."""
    return getattr(record, f"_extra_{index}", None)


def read_fields(path: Path, extra: tuple[str, ...] = ()) -> list[MetricFields]:
    """The metric fields (and the `extra` fields) of every record of a JSONL file, in order (blank lines skipped)."""
    return decode_fields(path, path.read_bytes(), with_extra(extra))

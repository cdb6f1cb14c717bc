"""The record schema names every field the steps write; the metrics read only schema fields."""

from __future__ import annotations

import msgspec
import pytest

from nskit.metrics.reader import MetricFields
from nskit.records import schema


def test_metrics_read_only_schema_fields() -> None:
    assert set(MetricFields.__struct_fields__) <= schema.FIELDS


def test_judge_fields_are_schema_fields() -> None:
    assert set(schema.JUDGE_FIELDS) <= schema.FIELDS


def test_check_record_types() -> None:
    record = {"problem": "1+1", "generation": "2", schema.SYMBOLIC_CORRECT: True, "extra_input": [1]}
    assert schema.check_record(record).symbolic_correct is True
    with pytest.raises(msgspec.ValidationError, match="symbolic_correct"):
        schema.check_record({schema.SYMBOLIC_CORRECT: "yes"})

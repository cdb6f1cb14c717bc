"""Conversion shared by the AIME adapters (aime24, aime25): not an adapter itself."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit.datasets import ConversionError, Record, strip_leading_zeros
from nskit.records import iter_jsonl


def convert_aime(name: str, files: Mapping[str, Path]) -> Iterator[Record]:
    """Records from the NeMo-Skills format (`expected_answer`, `reference_solution`, string `id`) or the
    QwenLM/Qwen2.5-Math format (`answer`, `solution`, numeric `id`, `url`).

    AIME answers are integers 0-999 that sources write zero-padded (`073`, `\\boxed{025}`): the padding is removed
    so that `73` is the expected answer whatever the source.
    """
    for index, row in enumerate(iter_jsonl(files["test"])):
        raw = row.get("expected_answer", row.get("answer"))
        if raw is None or not str(raw).strip():
            raise ConversionError(f"{name} record {index}", "no answer field")
        identifier = row.get("id", index)
        record: Record = {
            "id": identifier if isinstance(identifier, str) else f"{name}-{identifier}",
            "problem": row["problem"],
            "expected_answer": strip_leading_zeros(str(raw)),
        }
        solution = row.get("reference_solution", row.get("solution"))
        if solution:
            record["reference_solution"] = solution
        for key in ("source", "url"):
            if row.get(key):
                record[key] = row[key]
        yield record

"""SVAMP (1000 one-unknown arithmetic word problems with variations), arkilpatel/SVAMP `SVAMP.json`.

Quirks handled:
- The file is one JSON array, not JSONL.
- The problem is split in `Body` and `Question`: joined with a space. Some bodies end without punctuation
  ("... a discount of 25 dollars on each pack"): a full stop is added first, as NeMo-Skills does, so the two
  sentences do not run together.
- Answers are floats (`51.0`): integral ones are written without `.0`; see `number_text`.
- `Equation` -> `reference_equation`, `Type` -> `type`, `ID` (`chal-1`) -> `id`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit.datasets import Benchmark, ConversionError, Record, Source, number_text


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """One record per element of the upstream JSON array."""
    path = files["test"]
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ConversionError(str(path), f"not valid JSON: {exc}") from None
    for row in rows:
        body = row["Body"].strip()
        if body and body[-1].isalnum():
            body += "."
        yield {
            "id": row["ID"],
            "problem": f"{body} {row['Question'].strip()}",
            "expected_answer": number_text(row["Answer"], f"svamp {row['ID']}"),
            "reference_equation": row["Equation"].strip(),
            "type": row["Type"],
        }


BENCHMARK = Benchmark(
    name="svamp",
    description="SVAMP arithmetic word problems with structural variations",
    sources=(
        Source(
            "test",
            "https://raw.githubusercontent.com/arkilpatel/SVAMP/main/SVAMP.json",
            sha256="5be77703a6d891ae476d7c082787ad361392aa02453b132516cdd5f4e7934e3e",
        ),
    ),
    convert=convert,
    size=1000,
)

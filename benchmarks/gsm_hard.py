"""GSM-Hard (1319): GSM8K with numbers replaced by large ones, from reasoning-machines/pal `gsmhardv2.jsonl`.

Quirks handled:
- NeMo-Skills downloaded this file from the Hugging Face dataset reasoning-machines/gsm-hard; the adapter pins the
  authors' GitHub copy (same name, same authors) because its bytes could be verified.
- Targets are floats computed by Python programs, with binary noise (`3244047.0999999996`): integral values are
  written without `.0`, others to 15 significant digits (`3244047.1`); see `number_text`.
- Some targets are negative or fractional although the story asks for a count; they are kept as upstream has them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit.datasets import Benchmark, Record, Source, number_text
from nskit.records import iter_jsonl


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """One record per upstream line: input -> problem, target -> expected_answer."""
    for index, row in enumerate(iter_jsonl(files["test"])):
        yield {
            "id": f"gsm-hard-{index}",
            "problem": row["input"],
            "expected_answer": number_text(row["target"], f"gsm-hard record {index}"),
        }


BENCHMARK = Benchmark(
    name="gsm-hard",
    description="GSM-Hard: GSM8K test problems with large numbers",
    sources=(
        Source(
            "test",
            "https://raw.githubusercontent.com/reasoning-machines/pal/main/datasets/gsmhardv2.jsonl",
            sha256="2032b0188a49ac0ec38cbe1e695e7d62d6dddc44bbb64f920728aca710e9ddef",
        ),
    ),
    convert=convert,
    size=1319,
)

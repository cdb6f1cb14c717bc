"""Per-subset sections of a benchmark: `<benchmark>-<subset>` from `subset_for_metrics` (NeMo-Skills), and
`<benchmark>-<field>-<label>` from the subset fields its adapter names (MATH: level, subject).

Membership is decided once, from the first file read (NeMo-Skills takes the first file's record too), and applied
by position to every file of the benchmark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nskit.metrics.reader import MetricFields, extra_value



@dataclass(frozen=True)
class Section:
    """One subset: its table name and the positions of its records."""

    name: str
    positions: tuple[int, ...]

    def pick(self, records: Sequence[MetricFields]) -> list[MetricFields]:
        """This subset's records of one file (positions past the file's end are missing records)."""
        return [records[i] for i in self.positions if i < len(records)]


def adapter_fields(benchmark: str) -> tuple:  # type: ignore[type-arg]
    """The subset fields the benchmark's adapter names; () for a folder that is no registered benchmark."""
    from nskit.datasets import get_benchmark
    from nskit.datasets.errors import UnknownBenchmarkError

    try:
        return get_benchmark(benchmark).subset_fields
    except UnknownBenchmarkError:
        return ()


def field_names(fields: Sequence) -> tuple[str, ...]:  # type: ignore[type-arg]
    """The extra record fields to read for `fields` (the adapter's SubsetFields)."""
    return tuple(f.field for f in fields)


def sections(benchmark: str, records: Sequence[MetricFields], fields: Sequence) -> list[Section]:  # type: ignore[type-arg]
    """The subset sections found in `records` (the first file): subset_for_metrics values in order of first
    appearance, then per adapter field its labels in sorted order."""
    found: list[Section] = []
    groups: dict[str, list[int]] = {}
    for position, record in enumerate(records):
        if record.subset_for_metrics is not None:
            groups.setdefault(str(record.subset_for_metrics), []).append(position)
    found += [Section(f"{benchmark}-{name}", tuple(positions)) for name, positions in groups.items()]
    for index, subset_field in enumerate(fields):
        groups = {}
        for position, record in enumerate(records):
            value = extra_value(record, index)
            label = None if value is None else subset_field.label(value)
            if label is not None:
                groups.setdefault(label, []).append(position)
        found += [
            Section(f"{benchmark}-{subset_field.field}-{label}", tuple(groups[label])) for label in sorted(groups)
        ]
    return found

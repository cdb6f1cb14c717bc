"""The "hard" problems of a study: the ids a (greedy) run got wrong, written one per line for `++problem_ids=FILE`."""

from __future__ import annotations

from pathlib import Path

from nskit.errors import UserError
from nskit.records import atomic_write_text, iter_numbered, schema


def failed_ids(output_file: Path, correct_field: str = schema.SYMBOLIC_CORRECT) -> list[str]:
    """Ids of the graded records of `output_file` that are not correct (errors count as wrong)."""
    ids = []
    for line, record in iter_numbered(output_file):
        if schema.ID not in record:
            raise UserError(f"{output_file}:{line}: record has no '{schema.ID}' to select it by")
        if correct_field not in record and not record.get(schema.ERROR):
            raise UserError(f"{output_file}:{line}: record is not graded (no '{correct_field}'): run ns grade first")
        if not record.get(correct_field):
            ids.append(str(record[schema.ID]))
    return ids


def write_failed_ids(output_file: Path, ids_file: Path, correct_field: str = schema.SYMBOLIC_CORRECT) -> int:
    """Write the failed ids of `output_file` to `ids_file`; how many there were."""
    ids = failed_ids(output_file, correct_field)
    atomic_write_text(ids_file, "".join(f"{i}\n" for i in ids))
    return len(ids)

"""`rm_best@k` / `rm_majority@k` of a strategy run whose records keep their scored candidates (best_of_n with the
`reward_model` scorer): each record's k candidates are read as k seed files, so the rows use the very definitions
of seed files (`metrics/reward.py`): candidate j of every record is the record of seed file j.

A candidate needs its correctness (`symbolic_correct`, written by `ns grade`, or `passed` for code) and its
`reward_model_score`; a file whose candidates carry no reward score, or no correctness at all (an ungraded file,
or code, whose candidates the judge does not grade), gives no rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nskit.metrics.aggregate import SeedAggregator
from nskit.metrics.reader import MetricFields
from nskit.metrics.rows import Row, reward_rows
from nskit.records import iter_numbered, schema

CANDIDATE_FIELDS = (schema.PREDICTED_ANSWER, schema.SYMBOLIC_CORRECT, schema.PASSED, schema.REWARD_MODEL_SCORE,
                    schema.NUM_GENERATED_TOKENS)
"""What a candidate contributes to its virtual seed record."""


def candidate_files(records: list[dict[str, Any]]) -> list[list[MetricFields]]:
    """The k virtual seed files of a run (k = most candidates of a record; a record with fewer gets empty
    records, counted as unanswered, in the files it lacks)."""
    lists = [schema.trajectory_candidates(record) for record in records]
    k = max((len(found) for found in lists), default=0)
    files: list[list[MetricFields]] = [[] for _ in range(k)]
    for record, found in zip(records, lists):
        for j in range(k):
            fields = {name: found[j].get(name) for name in CANDIDATE_FIELDS} if j < len(found) else {}
            files[j].append(MetricFields(id=record.get("id"), problem=record.get(schema.PROBLEM), **fields))
    return files


def candidate_reward_rows(path: Path, majority: str = "class", max_seq_len: int | None = None) -> list[Row]:
    """rm_best@k and rm_majority@k (k = 1..n) over the candidates of `path`; [] when they carry no reward score or
    were not graded (code candidates: the judge grades only the final program)."""
    records = [record for _, record in iter_numbered(path)]
    files = candidate_files(records)
    candidates = [c for file in files for c in file]
    if not any(c.reward_model_score is not None for c in candidates):
        return []
    if not any(c.symbolic_correct is not None or c.passed is not None for c in candidates):
        return []
    aggregator = SeedAggregator(max_seq_len, majority=majority)
    for j, file in enumerate(files):
        aggregator.add_records(path.with_name(f"{path.name}#candidate-{j}"), file)
    aggregator.finish()
    return reward_rows(aggregator)

"""Rows of a code benchmark (records graded by the execution judge carry `passed`).

The correctness column is NeMo-Skills' `passing_base_tests` (its name for HumanEval/MBPP with the original
tests). There is no majority@k: programs are not answers that can be compared for equality, so votes would count
textually identical programs only, and two programs that differ in a name or a comment would split the vote.
pass@k (unbiased) is the measure for several samples of code; pass@1[avg-of-k] and greedy stay.
"""

from __future__ import annotations

from nskit.metrics.rows import Row

CODE_COLUMN = "passing_base_tests"
_GRADED_COLUMN = "symbolic_correct"  # where the aggregator counts `passed` (fields.symbolic_verdict)


def code_rows(rows: list[Row], printed: list[str]) -> tuple[list[Row], list[str]]:
    """`rows` without majority rows, the correctness column renamed; `printed` without the majority names."""
    kept = [row for row in rows if row.kind != "majority"]
    for row in kept:
        for table in (row.values, row.std):
            if _GRADED_COLUMN in table:
                table[CODE_COLUMN] = table.pop(_GRADED_COLUMN)
    names = {row.name for row in kept}
    return kept, [name for name in printed if name in names]

"""The printed tables, byte for byte as NeMo-Skills prints them.

A column is shown when any printed row has it (NeMo-Skills never mixes greedy and seed rows in one table,
so there every row has the same columns). A title centred in dashes over the table's width, then columns left-aligned to their widest cell and joined by
` | ` (cells keep their padding), each table followed by two blank lines. Percent cells are `62.50%`, with
`± std` on `pass@1[avg-of-k]` rows; token counts and seconds are truncated to ints, as NeMo-Skills does.
"""

from __future__ import annotations

from nskit.metrics.rows import Row
from nskit.metrics.summary import BenchmarkResult

COLUMN_ORDER = (
    "num_entries",
    "avg_tokens",
    "gen_seconds",
    "reasoning_tokens",
    "answer_tokens",
    "judge_correct",
    "symbolic_correct",
    "passing_base_tests",
    "no_answer",
)
"""NeMo-Skills' printed columns (both_correct and any_correct go to the JSON only), plus the reasoning split."""
MARK = " *"


def _value(row: Row, column: str) -> object:
    if column == "num_entries":
        return row.num_entries
    if column in ("avg_tokens", "gen_seconds"):
        return getattr(row, column)
    if column in row.token_split:
        return row.token_split[column]
    return row.values.get(column)


def _cell(row: Row, column: str) -> str:
    value = _value(row, column)
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    text = f"{value:.2f}%"
    if column in row.std:
        text += f" ± {row.std[column]:.2f}%"
    return text


def table_cells(result: BenchmarkResult) -> list[list[str]]:
    """The printed table of one benchmark as cells: the header line, then one line per printed row."""
    names = {row.name for row in result.rows}
    rows = [result.row(name) for name in result.printed if name in names]
    columns = [c for c in COLUMN_ORDER if any(_value(row, c) is not None for row in rows)]
    table = [["evaluation_mode", *columns]]
    table += [[row.name + (MARK if row.issues else ""), *(_cell(row, c) for c in columns)] for row in rows]
    return table


def format_benchmark(result: BenchmarkResult) -> str:
    """One benchmark's table, then its marked-row notes and warnings."""
    table = table_cells(result)
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    title = f" {result.name} ".center(sum(widths) + 3 * (len(widths) - 1), "-")
    lines = [title] + [" | ".join(cell.ljust(w) for cell, w in zip(line, widths)) for line in table]
    issues = result.issues()
    if issues:
        lines.append(f"{MARK.strip()} rows read files with problems:")
        lines += [f"  {issue}" for issue in issues]
    lines += [f"warning: {warning}" for warning in result.warnings]
    return "\n".join(lines)


def table_width(result: BenchmarkResult) -> int:
    """Width of the title line of `result`'s table."""
    return len(format_benchmark(result).split("\n", 1)[0])


def format_tables(results: list[BenchmarkResult], max_seq_len: int | None = None) -> str:
    """All tables, each followed by two blank lines; with `max_seq_len` a NeMo-Skills header line first."""
    text = "".join(format_benchmark(result) + "\n\n\n" for result in results)
    if max_seq_len is not None and results:
        header = f" Metrics for Max Sequence Length {max_seq_len} ".center(table_width(results[0]), "-")
        text = header + "\n" + text
    return text

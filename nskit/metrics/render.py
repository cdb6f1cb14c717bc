"""The printed tables: a title line per benchmark, columns joined by ` | `, `62.50%`-style cells."""

from __future__ import annotations

from nskit.metrics.rows import Row
from nskit.metrics.summary import BenchmarkResult

COLUMN_ORDER = (
    "num_entries",
    "avg_tokens",
    "gen_seconds",
    "judge_correct",
    "symbolic_correct",
    "passing_base_tests",
    "both_correct",
    "any_correct",
    "no_answer",
)
MARK = " *"
_WIDTH = 100


def _cell(row: Row, column: str) -> str:
    if column == "num_entries":
        return str(row.num_entries)
    if column == "avg_tokens":
        return "" if row.avg_tokens is None else str(round(row.avg_tokens))
    if column == "gen_seconds":
        return "" if row.gen_seconds is None else str(round(row.gen_seconds))
    if column not in row.values:
        return ""
    text = f"{row.values[column]:.2f}%"
    if column in row.std:
        text += f" ± {row.std[column]:.2f}%"
    return text


def _present(rows: list[Row], column: str) -> bool:
    if column == "avg_tokens":
        return any(r.avg_tokens is not None for r in rows)
    if column == "gen_seconds":
        return any(r.gen_seconds is not None for r in rows)
    return column == "num_entries" or any(column in r.values for r in rows)


def table_cells(result: BenchmarkResult) -> list[list[str]]:
    """The printed table of one benchmark as cells: the header line, then one line per printed row."""
    rows = [result.row(name) for name in result.printed]
    columns = [c for c in COLUMN_ORDER if _present(rows, c)]
    table = [["evaluation_mode", *columns]]
    table += [[row.name + (MARK if row.issues else ""), *(_cell(row, c) for c in columns)] for row in rows]
    return table


def format_benchmark(result: BenchmarkResult) -> str:
    """One benchmark's table, then its marked-row notes and warnings."""
    table = table_cells(result)
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    title = f" {result.name} ".center(_WIDTH, "-")
    lines = [title] + [" | ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in table]
    issues = result.issues()
    if issues:
        lines.append(f"{MARK.strip()} rows read files with problems:")
        lines += [f"  {issue}" for issue in issues]
    lines += [f"warning: {warning}" for warning in result.warnings]
    return "\n".join(lines)


def format_tables(results: list[BenchmarkResult]) -> str:
    """All benchmarks' tables separated by blank lines."""
    return "\n\n".join(format_benchmark(result) for result in results)

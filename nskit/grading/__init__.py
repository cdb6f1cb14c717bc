"""Math answer grading: extraction, equivalence, and a killable worker pool that grades files on every core.

Public API (stable; the CLI uses it too):
- `extract_answer(text, extraction="boxed") -> ExtractedAnswer | None` (a `str`; `.rule` names the rule that fired)
- `is_equal(expected, predicted, timeout=10.0) -> bool` (raises `GradingTimeout` / `GradingError`)
- `equivalence_classes(answers, timeout=10.0) -> list[list[int]]`
- `grade_files(paths, *, extraction="boxed", timeout=10.0, workers=None) -> GradeSummary`
Importing this package is cheap: sympy and the LaTeX parser load on first symbolic use.
"""

from nskit.grading.api import (
    GradingError,
    GradingTimeout,
    equivalence_classes,
    is_equal,
)
from nskit.grading.extraction import (
    EXTRACTIONS,
    RULES,
    ExtractedAnswer,
    Extraction,
    extract_answer,
    get_extraction,
)

__all__ = [
    "EXTRACTIONS",
    "RULES",
    "ExtractedAnswer",
    "Extraction",
    "GradingError",
    "GradingTimeout",
    "equivalence_classes",
    "extract_answer",
    "get_extraction",
    "grade_files",
    "is_equal",
]


def __getattr__(name: str):  # grade_files pulls in records/rich; load it only when asked for
    if name in ("grade_files", "GradeSummary"):
        from nskit.grading import files

        return getattr(files, name)
    raise AttributeError(f"module 'nskit.grading' has no attribute {name!r}")

"""The execution judge for code benchmarks: extract the program, run it with its tests in the sandbox.

Public API:
- `extract_code(generation, completion_prefix=None) -> str | None`
- `grade_code_files(paths, *, sandbox_address=None, timeout=10.0, workers=None) -> CodeGradeSummary`
"""

from nskit.grading.code.extraction import extract_code, last_fenced_block

__all__ = ["CodeGradeSummary", "extract_code", "grade_code_files", "last_fenced_block"]


def __getattr__(name: str):  # the judge pulls in aiohttp and the sandbox client; load it only when asked for
    if name in ("grade_code_files", "CodeGradeSummary"):
        from nskit.grading.code import judge

        return getattr(judge, name)
    raise AttributeError(f"module 'nskit.grading.code' has no attribute {name!r}")

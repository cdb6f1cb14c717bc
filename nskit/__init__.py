"""nskit: evaluate LLMs on math reasoning benchmarks; the `ns` command and its Python API.

`from nskit import eval, generate, grade, llm_math_judge, fill_majority, summarize_results`: one function per
command (see `nskit.api`). They are imported on first use, so `import nskit` (and `ns --help`) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nskit.api import eval, fill_majority, generate, grade, llm_math_judge, summarize_results

__all__ = ["eval", "fill_majority", "generate", "grade", "llm_math_judge", "summarize_results"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        import nskit.api

        return getattr(nskit.api, name)
    raise AttributeError(f"module 'nskit' has no attribute {name!r}")

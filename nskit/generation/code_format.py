"""Text side of tool-integrated reasoning: code markers, finding the block to run, rendering its output.

Nothing here talks to a server or a sandbox; `code_execution.py` drives the loop with these functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nskit.config.generation import CodeExecutionConfig
from nskit.sandbox import ExecutionResult


@dataclass(frozen=True)
class CodeTags:
    """The four markers around code the model writes and the output fed back to it."""

    code_begin: str
    code_end: str
    output_begin: str
    output_end: str


CODE_TAG_PRESETS: dict[str, CodeTags] = {
    "markdown": CodeTags("```python\n", "```\n", "```output\n", "```\n"),
    "llm-code": CodeTags("<llm-code>\n", "</llm-code>\n", "<llm-code-output>\n", "</llm-code-output>\n"),
}
"""`++code.tags=NAME`; each marker can still be set on its own (`++code.begin=...`)."""


def code_tags(settings: CodeExecutionConfig) -> CodeTags:
    """The markers in effect: the preset, with any marker set explicitly taking its place."""
    preset = CODE_TAG_PRESETS[settings.tags]
    return CodeTags(
        code_begin=settings.begin or preset.code_begin,
        code_end=settings.end or preset.code_end,
        output_begin=settings.output_begin or preset.output_begin,
        output_end=settings.output_end or preset.output_end,
    )


@dataclass(frozen=True)
class PendingCode:
    """A code block at the end of a model turn, waiting to be executed."""

    code: str
    start: int
    """Where `code_begin` starts in the turn's text."""
    closed_text: str
    """The turn's text ending with exactly one `code_end` (re-appended when the stop string swallowed it)."""


def find_pending_code(turn: str, tags: CodeTags, stopped_at_code_end: bool) -> PendingCode | None:
    """The code block that ends this turn, or None.

    A turn ends with code to run when (a) the server stopped on the `code_end` stop phrase (which it does not
    include in the text) while a block opened by `code_begin` is still open, or (b) the text itself ends with
    a closed block (`code_end` without its trailing whitespace, e.g. a fence right before end-of-sequence).
    """
    start = turn.rfind(tags.code_begin)
    if start < 0:
        return None
    body = turn[start + len(tags.code_begin):]
    end_mark = tags.code_end.rstrip() or tags.code_end
    stripped = body.rstrip()
    if stripped.endswith(end_mark) and end_mark not in stripped[: -len(end_mark)]:
        code = stripped[: -len(end_mark)]
        return PendingCode(code=code, start=start, closed_text=turn[:start] + tags.code_begin + code + tags.code_end)
    if stopped_at_code_end and end_mark not in body:
        return PendingCode(code=body, start=start, closed_text=turn + tags.code_end)
    return None


BOXED = re.compile(r"\\boxed\s*\{")


def has_final_answer(text: str) -> bool:
    """True when `text` gives a final answer in `\\boxed{...}`."""
    return BOXED.search(text) is not None


def cut_middle(text: str, limit: int) -> tuple[str, bool]:
    """`text` with its middle replaced by a note when longer than `limit` characters; (text, was_cut)."""
    if len(text) <= limit:
        return text, False
    head = limit // 2
    tail = limit - head
    cut = len(text) - limit
    return f"{text[:head]}\n... [{cut} characters cut] ...\n{text[-tail:]}", True


FAILURE_NOTES = {
    "timeout": "Execution timed out",
    "memory": "Execution ran out of memory",
    "output_limit": "Execution stopped: too much output",
    "killed": "Execution was killed",
    "sandbox_error": "Execution failed in the sandbox",
}
"""Shown to the model after the output of a snippet that did not finish on its own."""


def output_text(result: ExecutionResult, output_format: str) -> str:
    """What the model is shown of one execution, before truncation.

    `qwen`: stdout, then stderr (on an exception the sandbox already trimmed the traceback to its last lines,
    as ToRA does), then a note when the snippet was stopped. `llama`: a status line, then `[stdout]` and
    `[stderr]` sections.
    """
    note = FAILURE_NOTES.get(result.status, "")
    if note and result.error and result.error not in result.stderr:
        note = f"{note}: {result.error}"
    if output_format == "llama":
        parts = [f"status: {result.status}"]
        if result.stdout:
            parts.append(f"[stdout]\n{result.stdout.rstrip(chr(10))}\n[/stdout]")
        if result.stderr:
            parts.append(f"[stderr]\n{result.stderr.rstrip(chr(10))}\n[/stderr]")
        if note:
            parts.append(note)
        return "\n".join(parts)
    text = result.stdout + result.stderr
    if note:
        text = f"{text.rstrip(chr(10))}\n{note}" if text else note
    return text


def output_block(shown: str, tags: CodeTags) -> str:
    """The output block appended after a code block: begin marker, text (newline-terminated), end marker."""
    if shown and not shown.endswith("\n"):
        shown += "\n"
    return f"{tags.output_begin}{shown}{tags.output_end}"

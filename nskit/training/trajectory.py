"""One generation as training data: why its trajectory is unusable, and its chat messages for SFT.

A tool-integrated (TIR) generation holds the model's turns with the code blocks it wrote and, after each block
that ran, the output block the loop fed back (`nskit.generation.code_execution`). As SFT data it becomes
alternating `assistant` and `tool` messages: each `tool` message is one output block exactly as the model saw it
(markers included), so joining the contents gives back the generation byte for byte, and a trainer can mask the
loss on the tool turns.
"""

from __future__ import annotations

from typing import Any, Literal

from nskit.generation.code_format import CodeTags
from nskit.records import schema
from nskit.records.schema import ERROR, FINISH_REASON, GENERATION

ToolTurns = Literal["split", "inline"]
"""`split`: output blocks become `tool` messages; `inline`: one `assistant` message holds the whole text."""


def trajectory_failure(record: dict[str, Any], drop_code_errors: bool) -> str | None:
    """Why this generation cannot be training data (`error`, `empty`, `truncated`, `code_error`), or None."""
    if record.get(ERROR):
        return "error"
    generation = record.get(GENERATION)
    if not isinstance(generation, str) or not generation.strip():
        return "empty"
    if record.get(FINISH_REASON) == "length" or record.get(schema.CODE_STOP_REASON) == "token_budget":
        return "truncated"
    if drop_code_errors and any(step.get(schema.STATUS) != "ok" for step in record.get(schema.CODE_STEPS) or ()):
        return "code_error"
    return None


class TrajectoryFormatError(ValueError):
    """A TIR generation whose output blocks do not match the code steps recorded beside it."""


def split_tool_turns(generation: str, executions: int, tags: CodeTags) -> list[dict[str, str]]:
    """The generation as `assistant` / `tool` messages: one `tool` message per output block the loop appended.

    An output block is found where a code block ends (`code_end`) and `output_begin` follows; it ends at the
    next `output_end`. `executions` (the record's `num_code_executions`) must equal the blocks found.
    """
    messages: list[dict[str, str]] = []
    opening = tags.code_end + tags.output_begin
    position = 0
    while True:
        found = generation.find(opening, position)
        if found < 0:
            break
        start = found + len(tags.code_end)
        end = generation.find(tags.output_end, start + len(tags.output_begin))
        if end < 0:
            raise TrajectoryFormatError(f"output block at character {start} is never closed")
        end += len(tags.output_end)
        messages.append({"role": "assistant", "content": generation[position:start]})
        messages.append({"role": "tool", "content": generation[start:end]})
        position = end
    if position < len(generation):
        messages.append({"role": "assistant", "content": generation[position:]})
    blocks = sum(message["role"] == "tool" for message in messages)
    if blocks != executions:
        raise TrajectoryFormatError(f"{blocks} output block(s) in the text, {executions} code execution(s) recorded")
    return messages


def assistant_messages(record: dict[str, Any], tags: CodeTags, tool_turns: ToolTurns) -> list[dict[str, str]]:
    """The assistant side of one record's conversation (TIR records split into tool turns unless `inline`)."""
    generation = record[GENERATION]
    executions = record.get(schema.NUM_CODE_EXECUTIONS)
    if tool_turns == "inline" or executions is None:
        return [{"role": "assistant", "content": generation}]
    return split_tool_turns(generation, int(executions), tags)

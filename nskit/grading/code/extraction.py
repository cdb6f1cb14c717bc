"""Which program a generation proposes: the last complete fenced code block, or a raw completion of a prefix.

- Fenced (chat models): the last block that is opened by a fence line (```` ``` ```` or ```` ```python ````) and
  closed by a later fence line. Blocks tagged with another language (```` ```output ````, ```` ```bash ````) are
  not code to run. An unclosed block at the end (the model ran out of tokens) does not count.
- Completion (base models, HumanEval-style): when the generation holds no fence at all and the record has a
  `completion_prefix`, the program is the prefix followed by the generation, cut before the first line that is
  not indented (the model went on past the function body).
A generation with neither gives None: "no code".
"""

from __future__ import annotations

import re

FENCE = re.compile(r"^[ \t]*```[ \t]*([A-Za-z0-9_+.-]*)[ \t]*$")
CODE_TAGS = frozenset({"", "python", "py", "python3", "py3"})


def last_fenced_block(text: str) -> str | None:
    """The body of the last complete fenced Python (or untagged) block, or None."""
    found: str | None = None
    opened: tuple[str, list[str]] | None = None
    for line in text.splitlines():
        match = FENCE.match(line)
        if opened is None:
            if match:
                opened = (match.group(1).lower(), [])
            continue
        if match and not match.group(1):
            tag, body = opened
            if tag in CODE_TAGS and any(part.strip() for part in body):
                found = "\n".join(body) + "\n"
            opened = None
            continue
        opened[1].append(line)
    return found


def completion_body(generation: str) -> str:
    """The generation up to (not including) its first non-empty line that starts without indentation."""
    kept = []
    for line in generation.splitlines():
        if line.strip() and not line[:1].isspace():
            break
        kept.append(line)
    return "\n".join(kept).rstrip() + "\n" if any(line.strip() for line in kept) else ""


def extract_code(generation: str | None, completion_prefix: str | None = None) -> str | None:
    """The program to run for one generation (see the module docstring), or None when it holds no code."""
    if not generation or not generation.strip():
        return None
    block = last_fenced_block(generation)
    if block is not None:
        return block
    if completion_prefix and "```" not in generation:
        body = completion_body(generation)
        return completion_prefix + body if body else None
    return None

"""Where answers sit in model text: `\\boxed{}` groups and math spans (`$..$`, `$$..$$`, `\\(..\\)`, `\\[..\\]`).

Every scan here is linear in the text (no backtracking regex over unbounded input): extraction runs in the calling
process on arbitrary model output, before any killable worker is involved.
"""

from __future__ import annotations

import re

_BOX_COMMANDS = ("\\boxed", "\\fbox")
# what may stand between two answers that form one list: "\boxed{1} and \boxed{2}", "$1$, $2$ or $3$"
_CONNECTOR = re.compile(
    r"(?:\s|\$|,|;|&|\\quad|\\qquad|\\[,;:!]|\\(?:text|textrm|mbox)\s*\{\s*(?:and|or|,)?\s*\}|\band\b|\bor\b|\\\\)*", re.IGNORECASE
)
_JOINING = re.compile(r",|;|\band\b|\bor\b", re.IGNORECASE)
_MAX_GAP = 60
_PROSE = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z]{3,}\s+[a-zA-Z]{2,}(?![a-zA-Z{])")
_CURRENCY = re.compile(r"^\d[\d,.]*\s+(?:[a-zA-Z]{3,}|or|to)\b")  # "$5 and $6": two prices, the span between them is prose
_TEXT_GROUP = re.compile(r"\\(?:text|mbox|textbf|mathrm|operatorname)\s*\{[^{}]*\}")
_DELIMITERS = (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$"))


def braced(text: str, open_index: int) -> str | None:
    """The text between the brace at `open_index` and its partner; escaped braces `\\{` `\\}` do not count."""
    depth = 0
    index = open_index
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[open_index + 1 : index]
        index += 1
    return None


def boxed_at(text: str, start: int) -> tuple[str, int] | None:
    """The content of the `\\boxed`/`\\fbox` starting at `start` and the index just after it, or None if unclosed."""
    command = next(c for c in _BOX_COMMANDS if text.startswith(c, start))
    position = start + len(command)
    rest = text[position : position + 1]
    if rest == "{" or (rest.isspace() and text[position:].lstrip().startswith("{")):
        open_index = text.index("{", position)
        content = braced(text, open_index)
        return None if content is None else (content, open_index + len(content) + 2)
    if rest.isspace():
        # `\boxed 5`: one token, up to whitespace or the end of the math
        match = re.compile(r"\s*([^\s$]+)").match(text, position)
        return (match.group(1), match.end()) if match else None
    return None


def last_boxed(text: str) -> str | None:
    """The content of the last `\\boxed`/`\\fbox` in `text`; None when there is none or it is never closed."""
    start = max(text.rfind(command) for command in _BOX_COMMANDS)
    if start < 0:
        return None
    found = boxed_at(text, start)
    return None if found is None else found[0]


def boxed_chain(text: str) -> list[str] | None:
    """The last `\\boxed{}` plus the boxes right before it that a connector joins to it (`\\boxed{1} and \\boxed{2}`).

    None when there is no box or the last one is never closed.
    """
    starts = sorted(index for command in _BOX_COMMANDS for index in _find_all(text, command))
    if not starts:
        return None
    last = boxed_at(text, starts[-1])
    if last is None:
        return None
    chain = [last[0]]
    following = starts[-1]
    for start in reversed(starts[:-1]):
        found = boxed_at(text, start)
        if found is None or found[1] > following or not _connects(text[found[1] : following]):
            break
        chain.insert(0, found[0])
        following = start
    return chain


def _find_all(text: str, needle: str) -> list[int]:
    found: list[int] = []
    index = text.find(needle)
    while index >= 0:
        found.append(index)
        index = text.find(needle, index + len(needle))
    return found


def _connects(gap: str) -> bool:
    """Whether `gap` only joins two answers into a list ("and", a comma, `\\quad \\text{or} \\quad`)."""
    return len(gap) <= _MAX_GAP and _CONNECTOR.fullmatch(gap) is not None and _JOINING.search(gap) is not None


def math_spans(text: str) -> list[tuple[int, int, str]]:
    """All math spans (start, end, content) from left to right; unclosed openers are skipped. Linear time."""
    spans: list[tuple[int, int, str]] = []
    missing: set[str] = set()  # closers already known to be absent from the rest of the text
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char != "$" and char != "\\":
            index += 1
            continue
        if char == "\\" and text[index + 1 : index + 2] not in ("[", "("):
            index += 2  # an escaped "\$" or any other command
            continue
        for left, right in _DELIMITERS:
            if text.startswith(left, index):
                break
        if right in missing:
            index += len(left)
            continue
        end = _closing(text, index + len(left), right)
        if end < 0:
            missing.add(right)
            index += len(left)
            continue
        content = text[index + len(left) : end]
        if left == "$" and _is_price(content):
            index += 1  # "$68 + $80 = $148": a currency sign, not a delimiter; the next "$" may open real math
            continue
        spans.append((index, end + len(right), content))
        index = end + len(right)
    return spans


def _closing(text: str, start: int, right: str) -> int:
    """Index of `right` at or after `start` that is not escaped (`\\$` is a dollar sign, not a delimiter)."""
    index = text.find(right, start)
    while index > 0 and right == "$" and text[index - 1] == "\\":
        index = text.find(right, index + 1)
    return index


def last_math_chain(text: str) -> list[str] | None:
    """The contents of the last math span plus the spans a connector joins to it (`$1$, $2$ and $3$`)."""
    spans = [span for span in math_spans(text) if _is_math(span[2])]
    if not spans:
        return None
    chain = [spans[-1][2]]
    following = spans[-1][0]
    for start, end, content in reversed(spans[:-1]):
        if not _connects(text[end:following]):
            break
        chain.insert(0, content)
        following = start
    return chain


def only_math(text: str) -> str | None:
    """The contents of `text` joined by spaces when it is nothing but math spans and whitespace (`$x+$ $y$`)."""
    spans = math_spans(text)
    if not spans:
        return None
    position = 0
    for start, end, _ in spans:
        if text[position:start].strip():
            return None
        position = end
    return None if text[position:].strip() else " ".join(content for _, _, content in spans)


def _is_price(content: str) -> bool:
    """Text after a currency sign up to the next `$`: "5 and " in "$5 and $6", "68 + " in "$68 + $80"."""
    return content[:1].isdigit() and (content[-1].isspace() or _CURRENCY.match(content) is not None)


def _is_math(content: str) -> bool:
    """A span that holds math, not prose between two currency signs ("$5 and $")."""
    stripped = content.strip()
    return bool(stripped) and _PROSE.search(_TEXT_GROUP.sub(" ", stripped)) is None


def join_answers(parts: list[str]) -> str:
    """Several extracted answers as one list answer; repeats of the same answer count once."""
    cleaned = [part.strip() for part in parts if part.strip()]
    if len(set(cleaned)) <= 1:
        return cleaned[0] if cleaned else ""
    return ", ".join(cleaned)


def strip_math_delimiters(answer: str) -> str:
    """Remove one layer of `$...$`, `$$...$$`, `\\(...\\)` or `\\[...\\]` around a whole answer."""
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if answer.startswith(left) and answer.endswith(right) and len(answer) >= len(left) + len(right):
            inner = answer[len(left) : len(answer) - len(right)]
            if left == "$" and "$" in inner:
                continue
            return inner
    if answer.count("$") - answer.count("\\$") == 1:
        # "$5" is a currency sign, "5$" or "is $5" a lost delimiter: either way the sign is not part of the answer
        return answer.replace("\\$", "\x00").replace("$", "").replace("\x00", "\\$")
    return answer

"""Parsing the judge's verdict out of its text (NeMo-Skills rule: the text after the LAST `Judgement:`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKER = "judgement:"
YES_TEXT = "Judgement: Yes"
NO_TEXT = "Judgement: No"

_LEADING_NOISE = re.compile(r"^[\s*_`\"'\[\(]+")


@dataclass(frozen=True)
class Verdict:
    """What a judgement says: `correct` is True only for an explicit yes; `reason` explains a missing verdict."""

    correct: bool
    verdict: str | None
    reason: str | None = None


def parse_verdict(text: str | None) -> Verdict:
    """Read the verdict after the last `Judgement:` (case-insensitive): yes -> correct, no -> incorrect.

    Anything else (no marker, an empty or other word after it, no text at all) is "no verdict", which counts
    as incorrect, with the reason recorded. Markdown emphasis around the word (`**Yes**`) is tolerated.
    """
    if not text:
        return Verdict(False, None, "empty judgement")
    lowered = text.lower()
    at = lowered.rfind(MARKER)
    if at < 0:
        return Verdict(False, None, "no 'Judgement:' in the judge's text")
    tail = _LEADING_NOISE.sub("", lowered[at + len(MARKER) :])
    if tail.startswith("yes"):
        return Verdict(True, "yes")
    if tail.startswith("no"):
        return Verdict(False, "no")
    shown = tail[:40].strip() or "nothing"
    return Verdict(False, None, f"no yes/no after the last 'Judgement:' (found {shown!r})")

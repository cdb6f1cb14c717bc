"""Which program a generation proposes: fenced blocks, raw completions, no code."""

from __future__ import annotations

import pytest

from nskit.grading.code import extract_code, last_fenced_block
from nskit.grading.code.extraction import completion_body


def test_last_complete_block_wins_tagged_or_not() -> None:
    text = "First try:\n```python\nx = 1\n```\nBetter:\n```\ndef f():\n    return 2\n```\nDone."
    assert extract_code(text) == "def f():\n    return 2\n"


def test_unclosed_last_block_is_ignored() -> None:
    text = "```py\nok = True\n```\nand then\n```python\ndef broken(:\n"
    assert extract_code(text) == "ok = True\n"


def test_blocks_of_other_languages_are_not_code() -> None:
    text = "```python\nprint(1)\n```\n```output\n1\n```\n```bash\nls\n```"
    assert last_fenced_block(text) == "print(1)\n"


def test_indented_fences_and_empty_blocks() -> None:
    assert extract_code("  ```python\n  y = 3\n  ```") == "  y = 3\n"
    assert extract_code("```python\n\n```") is None


@pytest.mark.parametrize("generation", [None, "", "   \n", "I do not know how to solve this."])
def test_no_code_is_none(generation: str | None) -> None:
    assert extract_code(generation) is None
    assert extract_code(generation, completion_prefix="def f():\n") is None


def test_prose_after_a_prefix_is_no_code() -> None:
    # a chat answer in prose on a completion-style record: its first line is not indented, so nothing is kept
    assert extract_code("I do not know.", completion_prefix="def f(x):\n    \"\"\"doc\"\"\"\n") is None


def test_raw_completion_is_appended_to_the_prefix_and_cut_at_the_first_unindented_line() -> None:
    prefix = 'def add(a, b):\n    """Add."""\n'
    generation = "    return a + b\n\n\ndef test():\n    assert add(1, 2) == 3\n"
    assert extract_code(generation, completion_prefix=prefix) == prefix + "    return a + b\n"
    assert completion_body("    x = 1\nprint(x)\n    y = 2") == "    x = 1\n"


def test_a_fenced_block_beats_the_completion() -> None:
    generation = "```python\ndef add(a, b):\n    return b + a\n```"
    assert extract_code(generation, completion_prefix="def add(a, b):\n") == "def add(a, b):\n    return b + a\n"

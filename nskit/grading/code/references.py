"""Reference solutions as generations, and broken copies of them: the judge's own acceptance check.

`bench/code_execution.py` grades all of them and `tests/grading/code/` a sample: every reference must pass and
every broken copy (the function the tests call returns a value off by one) must fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from nskit.records import Record, schema

_DEF = re.compile(r"^def\s+([A-Za-z_]\w*)\s*\(", re.MULTILINE)

_OFF_BY_ONE = '''

def _nskit_off_by_one(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "1"
    if isinstance(value, list):
        return value + [1]
    if isinstance(value, tuple):
        return value + (1,)
    if value is None:
        return 1
    return None


def _nskit_break(function):
    def broken(*args, **kwargs):
        return _nskit_off_by_one(function(*args, **kwargs))
    return broken

'''


def tested_function(record: Record) -> str:
    """The top-level function of the reference that the tests call (HumanEval: `entry_point`)."""
    if record.get("entry_point"):
        return str(record["entry_point"])
    reference, tests = record[schema.EXPECTED_ANSWER], record[schema.TEST_CODE]
    names = [name for name in _DEF.findall(reference) if re.search(rf"\b{name}\s*\(", tests)]
    if not names:
        raise ValueError(f"{record['id']}: no function of the reference is called by its tests")
    return names[0]


def as_generation(code: str) -> str:
    """`code` as a chat model would answer: one fenced python block."""
    return f"Here is the solution.\n```python\n{code.rstrip()}\n```\n"


def reference_generations(records: Iterable[Record], *, broken: bool = False) -> Iterator[Record]:
    """Each record with its reference solution as `generation` (broken: the tested function's result off by one)."""
    for record in records:
        code = record[schema.EXPECTED_ANSWER]
        if broken:
            name = tested_function(record)
            code = f"{code.rstrip()}\n{_OFF_BY_ONE}{name} = _nskit_break({name})\n"
        yield {**record, schema.GENERATION: as_generation(code)}

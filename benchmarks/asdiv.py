"""ASDiv (2305 diverse elementary word problems), chaochun/nlu-asdiv-dataset `dataset/ASDiv.xml`.

Quirks handled:
- The file is XML: `<Problem ID Grade Source>` with `Body`, `Question`, `Solution-Type`, `Answer`, `Formula`.
- Answers carry their unit in parentheses (`9 (apples)`, `14  (seats)`): the unit is removed from the answer
  and kept in `unit`. Only a parenthesis after whitespace is a unit: `-(1/3)` is a value and stays whole
  (NeMo-Skills' `split('(')[0]` turns it into `-`).
- Problems with several unknowns give `;`-separated answers (`5 (years old); 15 (years old); 20 (years old)`):
  each part loses its unit and the parts are joined with ", " (`5, 15, 20`), where NeMo-Skills kept only `5`.
- 270 answers are not plain numbers and are kept as written: names (`Mrs. Hilt`), yes/no, times (`3:30 p.m.`),
  ratios (`5:6`), fractions (`5/2`), comparisons (`They are equal`). No record is dropped: all 2305 are written.
- `Body` + " " + `Question` -> `problem`; `Grade` -> `grade`; `Solution-Type` -> `type`; `Formula` ->
  `reference_equation`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from pathlib import Path

from nskit.datasets import Benchmark, ConversionError, Record, Source

_UNIT = re.compile(r"^(?P<value>.*?\S)\s+\((?P<unit>[^()]*)\)$")


def split_answer(answer: str) -> tuple[str, str | None]:
    """`"5 (years old); 15 (years old)"` -> `("5, 15", "years old")`; units of the parts joined by "; " if they
    differ; no unit -> None."""
    values, units = [], []
    for part in answer.split(";"):
        match = _UNIT.match(part.strip())
        values.append(match.group("value") if match else part.strip())
        if match:
            units.append(match.group("unit").strip())
    return ", ".join(values), ("; ".join(dict.fromkeys(units)) or None)


def convert(files: Mapping[str, Path]) -> Iterator[Record]:
    """One record per `<Problem>` element."""
    path = files["test"]
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ConversionError(str(path), f"not valid XML: {exc}") from None
    for problem in root.iter("Problem"):
        identifier = problem.get("ID") or ""

        def text(tag: str, problem: ET.Element = problem, identifier: str = identifier) -> str:
            element = problem.find(tag)
            if element is None or element.text is None:
                raise ConversionError(f"asdiv {identifier}", f"missing <{tag}>")
            return element.text.strip()

        answer, unit = split_answer(text("Answer"))
        yield {
            "id": identifier,
            "problem": f"{text('Body')} {text('Question')}",
            "expected_answer": answer,
            "unit": unit,
            "grade": int(problem.get("Grade") or 0) or None,
            "type": text("Solution-Type"),
            "reference_equation": text("Formula"),
        }


BENCHMARK = Benchmark(
    name="asdiv",
    description="ASDiv: diverse elementary-school math word problems",
    sources=(
        Source(
            "test",
            "https://raw.githubusercontent.com/chaochun/nlu-asdiv-dataset/master/dataset/ASDiv.xml",
            sha256="ef8904068482919ac48c8eeaaf6df344b8a308ba66d048c2d4d87eab82dc4929",
        ),
    ),
    convert=convert,
    size=2305,
)

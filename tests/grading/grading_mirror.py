"""A small loader for the raw upstream benchmark files in the offline mirror (tests only).

The directory comes from the `mirror_dir` fixture (tests/conftest.py: $NSKIT_MIRROR or ../shared/mirror, skipped
when absent). The tests read the mirror directly instead of going through `ns prepare_data`, so that grading is tested against
the exact upstream bytes. Expected answers are taken the way NeMo-Skills' prepare scripts take them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

_RAW = "raw.githubusercontent.com"
_QWEN = f"{_RAW}/QwenLM/Qwen2.5-Math/refs/heads/main/evaluation/data"
FILES = {
    "math-500": f"{_RAW}/ZubinGou/math-evaluation-harness/main/data/math_oai/test.jsonl",
    "gsm8k": f"{_RAW}/openai/grade-school-math/master/grade_school_math/data/test.jsonl",
    "aime24": f"{_RAW}/NVIDIA/NeMo-Skills/main/nemo_skills/dataset/aime24/test.txt",
    "amc23": f"{_QWEN}/amc23/test.jsonl",
    "minerva_math": f"{_QWEN}/minerva_math/test.jsonl",
    "olympiadbench": f"{_QWEN}/olympiadbench/test.jsonl",
}


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _last_boxed(text: str) -> str | None:
    from nskit.grading.extraction import last_boxed

    return last_boxed(text)


def expected_answers(mirror: Path, name: str) -> list[str]:
    """The expected answers of one benchmark as NeMo-Skills prepares them (`mirror`: the conftest fixture)."""
    rows = _rows(mirror / FILES[name])
    if name == "math-500":
        return [row["answer"] for row in rows]
    if name == "gsm8k":
        return [row["answer"].split("####")[-1].strip().replace(",", "") for row in rows]
    if name == "aime24":
        return [str(row["expected_answer"]) for row in rows]
    if name == "amc23":
        return [str(int(row["answer"])) if float(row["answer"]).is_integer() else str(row["answer"]) for row in rows]
    if name == "minerva_math":
        answers = [_last_boxed(row["solution"]) for row in rows]
        assert all(a is not None for a in answers)
        return [a for a in answers if a is not None]
    if name == "olympiadbench":
        return [re.sub(r"^\$|\$$", "", row["final_answer"][0].strip()) for row in rows]
    raise KeyError(name)


def math500_rows(mirror: Path) -> list[dict]:
    """The math-500 records (problem, solution, answer, unique_id, ...)."""
    return _rows(mirror / FILES["math-500"])


# Spellings other datasets and models use for the same answer (each keeps the value by construction).
_RESPELLINGS = (
    (re.compile(r"\\frac(?![a-zA-Z])"), r"\\dfrac"),
    (re.compile(r"\\le(?:q|qslant)?(?![a-zA-Z])"), r"\\leq"),
    (re.compile(r"\\ge(?:q|qslant)?(?![a-zA-Z])"), r"\\geq"),
    (re.compile(r"\\pi(?![a-zA-Z])\s*"), "π"),
    (re.compile(r"\\infty(?![a-zA-Z])\s*"), "∞"),
    (re.compile(r"\\(?:text|mbox)\s*\{"), r"\\textrm{"),
    (re.compile(r"\\begin\{pmatrix\}(.*)\\end\{pmatrix\}", re.DOTALL), r"\\begin{bmatrix}\1\\end{bmatrix}"),
    (re.compile(r"_(\d)(?!\d)"), r"_{\1}"),
    (re.compile(r"\^\{(\d)\}"), r"^\1"),
    (re.compile(r"\\sqrt\{(\d+)\}"), r"\\sqrt {\1}"),
    (re.compile(r"(?<![\\{])(?<!\\left)\(([^()]*)(?<!\\right)\)"), r"\\left(\1\\right)"),
    (re.compile(r",(?=\S)(?!(?:\\!)?\s*\d{3}(?!\d))"), ", "),  # not inside a number: 58,500 stays one number
    (re.compile(r"(?<=[\d}])\s*\\cdot\s*(?=\d)"), r" \\times "),
)
_INTEGER = re.compile(r"-?\d+")
_GROUPED = re.compile(r"-?\d{1,3}(?:,\d{3})+")
_OPERATOR_SPACES = re.compile(r"\s*([+=]|(?<=\S)-)\s*")


def respell(answer: str) -> str:
    """`answer` spelt differently (`\\dfrac`, `\\left(`, `π`, `1{,}234`, `7.0`, ...), never the identical string."""
    text = answer
    for pattern, replacement in _RESPELLINGS:
        text = pattern.sub(replacement, text)
    if _GROUPED.fullmatch(text.strip()):
        text = text.replace(",", "")  # 58,500 -> 58500
    elif _INTEGER.fullmatch(text.strip()):
        value = int(text)
        text = f"{value:,}".replace(",", "{,}") if abs(value) >= 1000 else f"{value}.0"
    if text == answer:
        text = _OPERATOR_SPACES.sub(r"\1", text) if " " in text else _OPERATOR_SPACES.sub(r" \1 ", text)
    if text == answer:
        text = "{" + answer + "}"
    return text

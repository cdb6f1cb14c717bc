"""The quirks each adapter handles, on small upstream-format records and on the real mirrored data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nskit.datasets import (
    ConversionError,
    get_benchmark,
    mirror_path,
    number_text,
    strip_math_delimiters,
)
from nskit.records import iter_jsonl, write_jsonl


def convert(name: str, tmp_path: Path, rows: list[dict], key: str = "test") -> list[dict]:
    """Run the adapter of `name` on `rows` written as its upstream JSONL file."""
    path = tmp_path / f"{key}.jsonl"
    write_jsonl(path, rows)
    return list(get_benchmark(name).convert({key: path}))


def by_id(prepared_dir: Path, name: str) -> dict[str, dict]:
    return {record["id"]: record for record in iter_jsonl(prepared_dir / name / "test.jsonl")}


def test_number_text() -> None:
    assert number_text(27.0, "x") == "27"
    assert number_text(-1.0, "x") == "-1"
    assert number_text(3244047.0999999996, "x") == "3244047.1"
    assert number_text(0.6666666667, "x") == "0.6666666667"
    assert number_text(14053029.666666666, "x") == "14053029.6666667"
    assert number_text(0.0000125, "x") == "0.0000125"
    assert number_text("2,125", "x") == "2125"
    with pytest.raises(ConversionError, match="not a number"):
        number_text("abc", "here")


def test_strip_math_delimiters() -> None:
    assert strip_math_delimiters("$\\frac{1}{2}$") == "\\frac{1}{2}"
    assert strip_math_delimiters("$69$,$84$") == "69,84"
    assert strip_math_delimiters("$(-\\infty, 0) \\cup\\{1\\}$.") == "(-\\infty, 0) \\cup\\{1\\}"
    assert strip_math_delimiters("$\\$ 3040$") == "\\$ 3040"
    assert strip_math_delimiters("all real numbers") == "all real numbers"


def test_gsm8k_commas_and_calculator_notes(tmp_path: Path, prepared_dir: Path) -> None:
    (record,) = convert(
        "gsm8k", tmp_path, [{"question": "Q?", "answer": "So 2,000+125=<<2000+125=2125>>2,125\n#### 2,125"}]
    )
    assert record == {
        "id": "gsm8k-0",
        "problem": "Q?",
        "expected_answer": "2125",
        "reference_solution": "So 2,000+125=2,125",
    }
    answers = {r["expected_answer"] for r in by_id(prepared_dir, "gsm8k").values()}
    assert "1450000" in answers and not any("," in answer for answer in answers)
    with pytest.raises(ConversionError, match="####"):
        convert("gsm8k", tmp_path, [{"question": "Q?", "answer": "no marker"}])


def test_math_both_formats(tmp_path: Path) -> None:
    qwen, tora = convert(
        "math",
        tmp_path,
        [
            {
                "problem": "P1",
                "solution": "so $\\boxed{3}$",
                "answer": "\\frac{1}{2}",
                "subject": "Algebra",
                "level": 2,
                "unique_id": "test/algebra/1.json",
            },
            {
                "problem": "P2",
                "solution": "first $\\boxed{1}$, then $\\boxed{\\frac{\\sqrt{2}}{2}}$.",
                "type": "Geometry",
                "level": "Level 5",
                "idx": 7,
            },
        ],
    )
    assert (qwen["id"], qwen["expected_answer"], qwen["level"], qwen["subject"]) == (
        "test/algebra/1.json",
        "\\frac{1}{2}",
        2,
        "Algebra",
    )
    assert (tora["id"], tora["expected_answer"], tora["level"], tora["subject"]) == (
        "math-7",
        "\\frac{\\sqrt{2}}{2}",
        5,
        "Geometry",
    )


def test_math_fix_table_is_guarded(tmp_path: Path) -> None:
    with pytest.raises(ConversionError, match="answer fix expects"):
        convert("math", tmp_path, [{"problem": "other text", "solution": "$\\boxed{1}$", "idx": 414, "level": 1}])


def test_math_several_boxes_on_real_data(prepared_dir: Path) -> None:
    records = by_id(prepared_dir, "math")
    assert records["math-414"]["expected_answer"] == "-2, 1"  # answer spread over two boxes
    assert records["math-4060"]["expected_answer"] == "6"  # \boxed{N} is notation there
    assert records["math-333"]["expected_answer"] == "-3"  # "3 is also accepted": first box
    assert records["math-0"]["expected_answer"] == "2"
    math500 = {r["problem"]: r["expected_answer"] for r in iter_jsonl(prepared_dir / "math-500" / "test.jsonl")}
    overlap = [r for r in records.values() if r["problem"] in math500]
    assert len(overlap) == 500
    assert [r["id"] for r in overlap if r["expected_answer"] != math500[r["problem"]]] == []


def test_aime_padding_and_both_formats(tmp_path: Path, mirror_dir: Path, prepared_dir: Path) -> None:
    qwen_file = mirror_path(
        "https://raw.githubusercontent.com/QwenLM/Qwen2.5-Math/refs/heads/main/evaluation/data/aime24/test.jsonl",
        mirror_dir,
    )
    raw = [row["answer"] for row in iter_jsonl(qwen_file)]
    assert "073" in raw  # the quirk is real
    from_qwen = list(get_benchmark("aime24").convert({"test": qwen_file}))
    assert not any(r["expected_answer"].startswith("0") for r in from_qwen)
    nemo = sorted(r["expected_answer"] for r in by_id(prepared_dir, "aime24").values())
    assert sorted(r["expected_answer"] for r in from_qwen) == nemo  # same answers whichever source
    (record,) = convert("aime25", tmp_path, [{"id": "aime25-9", "problem": "P", "expected_answer": "007"}])
    assert record["expected_answer"] == "7"


def test_amc23_floats(prepared_dir: Path) -> None:
    records = by_id(prepared_dir, "amc23")
    assert records["amc23-0"]["expected_answer"] == "27"
    assert not any(r["expected_answer"].endswith(".0") for r in records.values())


def test_omni_math_upstream_format(tmp_path: Path) -> None:
    rows = [
        {
            "domain": ["Mathematics -> Algebra -> Other"],
            "difficulty": 3.5,
            "problem": "Find x if x+1=2.",
            "solution": "Subtract 1: $x=1$.",
            "answer": "1",
            "source": "imo",
        },
        {
            "domain": ["Mathematics -> Geometry"],
            "difficulty": 6.0,
            "problem": "Find the ratio.",
            "solution": "It is $\\frac{1}{2}$.",
            "answer": "$\\frac{1}{2}$",
            "source": "usamo",
        },
        {
            "domain": [],
            "difficulty": 9.0,
            "problem": "All n?",
            "solution": "...",
            "answer": "n = 1, 2",
            "source": "china",
        },
    ]
    records = convert("omni-math", tmp_path, rows)
    assert [r["id"] for r in records] == ["omni-math-0", "omni-math-1", "omni-math-2"]
    assert [r["expected_answer"] for r in records] == ["1", "\\frac{1}{2}", "n = 1, 2"]
    assert records[1] == {
        "id": "omni-math-1",
        "problem": "Find the ratio.",
        "expected_answer": "\\frac{1}{2}",
        "reference_solution": "It is $\\frac{1}{2}$.",
        "domain": ["Mathematics -> Geometry"],
        "difficulty": 6.0,
        "source": "usamo",
    }
    assert get_benchmark("omni-math").sources[0].git_blob == "1a9d46a3a2b52992b010152e8e090f5fb7e7cb4a"


def test_minerva_answers_come_from_the_box(tmp_path: Path, prepared_dir: Path) -> None:
    (record,) = convert(
        "minerva_math",
        tmp_path,
        [{"problem": "P", "solution": "so $\\boxed{\\frac{a^{2}}{b}}$ m", "type": "Physics", "idx": 3}],
    )
    assert (record["id"], record["expected_answer"], record["subject"]) == (
        "minerva_math-3",
        "\\frac{a^{2}}{b}",
        "Physics",
    )
    assert by_id(prepared_dir, "minerva_math")["minerva_math-1"]["expected_answer"] == "4.5e33"
    with pytest.raises(ConversionError, match="no \\\\boxed"):
        convert("minerva_math", tmp_path, [{"problem": "P", "solution": "no box", "type": "x", "idx": 0}])


def test_olympiadbench_lists_dollars_and_multi_answers(tmp_path: Path, prepared_dir: Path) -> None:
    base = {
        "id": 1,
        "subfield": "Algebra",
        "context": None,
        "question": "Q",
        "solution": ["S1", "S2"],
        "is_multiple_answer": True,
        "unit": None,
        "answer_type": "Numerical",
        "error": None,
    }
    (record,) = convert("olympiadbench", tmp_path, [{**base, "final_answer": ["$69$,$84$"]}])
    assert record["expected_answer"] == "69,84"
    assert record["reference_solution"] == "S1\n\nS2"
    (with_context,) = convert("olympiadbench", tmp_path, [{**base, "context": "C", "final_answer": ["$2$"]}])
    assert with_context["problem"] == "C\n\nQ" and with_context["expected_answer"] == "2"
    records = by_id(prepared_dir, "olympiadbench")
    assert not any("$" in r["expected_answer"].replace("\\$", "") for r in records.values())
    assert records["olympiadbench-1606"]["expected_answer"] == "2"


def test_svamp_body_and_question(prepared_dir: Path) -> None:
    record = by_id(prepared_dir, "svamp")["chal-1"]
    assert record["problem"] == (
        "Each pack of dvds costs 76 dollars. If there is a discount of 25 dollars on each pack. "
        "How much do you have to pay to buy each pack?"
    )
    assert record["expected_answer"] == "51"


def test_asdiv_units_and_several_answers(prepared_dir: Path) -> None:
    from nskit_benchmarks.asdiv import split_answer

    assert split_answer("9 (apples)") == ("9", "apples")
    assert split_answer("14  (seats)") == ("14", "seats")
    assert split_answer("5 (years old); 15 (years old); 20 (years old)") == ("5, 15, 20", "years old")
    assert split_answer("36 (km); 4 (km/hour)") == ("36, 4", "km; km/hour")
    assert split_answer("-(1/3)") == ("-(1/3)", None)
    assert split_answer("Mrs. Hilt") == ("Mrs. Hilt", None)
    records = by_id(prepared_dir, "asdiv")
    assert records["nluds-1295"]["expected_answer"] == "5, 15, 20"
    assert records["nluds-1331"]["expected_answer"] == "-(1/3)"
    assert records["nluds-0030"]["expected_answer"] == "Mrs. Hilt"  # kept: no record is dropped
    assert not any("(" in r["expected_answer"] and r["id"] != "nluds-1331" for r in records.values())


def test_mawps_duplicate_policy(mirror_dir: Path, prepared_dir: Path) -> None:
    from nskit_benchmarks.mawps import SUBSETS, _key

    benchmark = get_benchmark("mawps")
    upstream = [
        (subset, index, row)
        for subset, source in zip(SUBSETS, benchmark.sources, strict=True)
        for index, row in enumerate(iter_jsonl(mirror_path(source.url, mirror_dir)))
    ]
    assert len(upstream) == 2065
    records = list(iter_jsonl(prepared_dir / "mawps" / "test.jsonl"))
    assert len({_key(r["problem"]) for r in records}) == len(records) == 1978
    assert len({_key(row["input"]) for _, _, row in upstream}) == 1978
    ids = {r["id"] for r in records}
    assert "mawps-singleeq-479" in ids and "mawps-singleop-497" not in ids  # the wrong repeat is dropped
    pies = next(r for r in records if r["id"] == "mawps-singleeq-479")
    assert pies["expected_answer"] == "6" and pies["subsets"] == ["singleeq"]


def test_mawps_unknown_contradiction_fails(tmp_path: Path) -> None:
    files = {}
    for subset in ("addsub", "singleeq", "singleop", "multiarith"):
        files[subset] = tmp_path / f"{subset}.jsonl"
        write_jsonl(files[subset], [{"input": f"{subset} problem", "target": 1.0}])
    write_jsonl(files["multiarith"], [{"input": "addsub  problem", "target": 2.0}])
    with pytest.raises(ConversionError, match="repeats mawps-addsub-0 with answer 2 instead of 1"):
        list(get_benchmark("mawps").convert(files))


def test_college_math_duplicates_are_kept(prepared_dir: Path) -> None:
    records = list(iter_jsonl(prepared_dir / "college_math" / "test.jsonl"))
    triangle = [r for r in records if r["problem"].startswith("Let the first angle of a triangle be $x$ degrees.")]
    assert sorted(r["expected_answer"] for r in triangle) == ["25,100,55", "28,84,68", "30,90,60", "36,36,108"]
    assert len({r["id"] for r in triangle}) == 4
    assert records[0]["expected_answer"] == "10-4 n" and records[0]["subject"] == "algebra"


def test_gsm_hard_float_noise(prepared_dir: Path) -> None:
    answers = [r["expected_answer"] for r in by_id(prepared_dir, "gsm-hard").values()]
    assert "3244047.1" in answers
    assert not any(len(a.replace("-", "").replace(".", "").lstrip("0")) > 15 for a in answers)
    assert json.loads(json.dumps(answers)) == answers


def _by_id(prepared_dir: Path, name: str) -> dict[str, dict]:
    return {record["id"]: record for record in iter_jsonl(prepared_dir / name / "test.jsonl")}


def test_humaneval_program_and_tests(prepared_dir: Path) -> None:
    record = _by_id(prepared_dir, "humaneval")["humaneval-0"]
    assert record["task_id"] == "HumanEval/0" and record["entry_point"] == "has_close_elements"
    assert record["expected_answer"].startswith(record["problem"]) == record["completion_prefix"].startswith(record["problem"])
    assert record["test_code"].rstrip().endswith("check(has_close_elements)")
    assert list(record)[:4] == ["id", "problem", "expected_answer", "test_code"]


def test_mbpp_split_few_shot_line_ends_and_setup(prepared_dir: Path) -> None:
    records = _by_id(prepared_dir, "mbpp")
    assert sorted(r["task_id"] for r in records.values()) == list(range(11, 511))
    first = records["mbpp-11"]
    shots = first["few_shot_prompt"]
    assert shots.count("You are an expert Python programmer") == 3 and shots.count("```python\n") == 3
    assert "def similar_elements" in shots and "def is_not_prime" in shots and "heap_queue_largest" in shots
    assert all("\r" not in r["expected_answer"] + r["few_shot_prompt"] for r in records.values())
    assert first["tests_shown"] in first["test_code"] and first["challenge_test_list"]
    setup = records["mbpp-367"]
    assert setup["test_code"].startswith("root = Node(1)") and "assert is_tree_balanced" in setup["test_code"]


def test_mbpp_sanitized_test_split_and_imports(prepared_dir: Path) -> None:
    records = _by_id(prepared_dir, "mbpp-sanitized")
    assert all(11 <= r["task_id"] <= 510 for r in records.values()) and len(records) == 257
    with_imports = [r for r in records.values() if r["test_code"].startswith("import math")]
    assert with_imports and all("assert" in r["test_code"] for r in with_imports)

"""Bad input to every command that reads records: an error naming file and line, and no file changed.

Cases: a malformed JSON line, a record missing the field the command needs (`problem` to generate,
`expected_answer` to grade and judge), an empty file, text in Latin-1 and in UTF-16 instead of UTF-8. Each test
snapshots every file under its directory first (data, finished outputs, partial files and their sidecars,
metrics.json) and asserts they are byte-identical afterwards, and that no request reached the server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from nskit.datasets import get_benchmark
from tests.helpers import ns
from tests.judge.fake_openai import FakeServer, fake_openai

GOOD = [
    {"id": f"p{i}", "problem": f"What is {i} + 1?", "expected_answer": str(i + 1),
     "generation": f"So it is \\boxed{{{i + 1}}}.", "predicted_answer": str(i + 1), "symbolic_correct": True}
    for i in range(3)
]


def line(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode()


def bad_bytes(case: str, field: str = "expected_answer", records: list[dict] = GOOD) -> bytes:
    """A three-record file spoiled in the way `case` names (line 2 unless the whole file is affected)."""
    first, second, third = records
    if case == "malformed":
        return line(first) + b'{"id": "p1", "problem": "What is\n' + line(third)
    if case == "missing":
        return line(first) + line({k: v for k, v in second.items() if k != field}) + line(third)
    if case == "latin1":
        return line(first) + line({**second, "problem": "Combien font 1 + 1, café?"}).decode().encode("latin-1") + line(third)
    if case == "utf16":
        return "".join(json.dumps(r) + "\n" for r in records).encode("utf-16")
    if case == "empty":
        return b""
    raise ValueError(case)


EXPECTED = {
    "malformed": r":2: malformed JSON",
    "missing": r":2: .*(expected_answer|problem)",
    "latin1": r":2: not valid UTF-8",
    "utf16": r":1: not valid UTF-8",
    "empty": r": (no input records|file holds no records)",
}
CASES = list(EXPECTED)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file below `root` with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_refused(result, path: Path, case: str, before: dict[str, bytes], root: Path) -> None:  # type: ignore[no-untyped-def]
    """Non-zero exit, one clear line naming `path` (and the line), no traceback, nothing changed."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert re.search(re.escape(str(path)) + EXPECTED[case], result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(root) == before


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    with fake_openai(lambda prompt, attempt: (200, {}, "So \\boxed{1}. Judgement: Yes")) as server:
        yield server


# -- ns generate ------------------------------------------------------------------------------------------------
def write_existing_outputs(root: Path) -> None:
    """A finished output of an earlier run and a partial one (with its sidecar), which must survive untouched."""
    (root / "earlier").mkdir()
    (root / "earlier" / "output.jsonl").write_bytes(b"".join(line(r) for r in GOOD))
    (root / "out.jsonl-async").write_bytes(line({**GOOD[0], "_async_position": 0}))
    (root / "out.jsonl-async.meta.json").write_text('{"model": "fake-model"}')


@pytest.mark.parametrize("case", CASES)
def test_generate_bad_data_file(tmp_path: Path, fake: FakeServer, case: str) -> None:
    data = tmp_path / "data.jsonl"
    data.write_bytes(bad_bytes(case, field="problem"))
    write_existing_outputs(tmp_path)
    before = snapshot(tmp_path)
    result = ns("generate", "--input_file", str(data), "--output_file", str(tmp_path / "out.jsonl"),
                "--server_address", fake.base_url)
    assert_refused(result, data, case, before, tmp_path)
    assert fake.requests == {}


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("out.jsonl", bad_bytes("latin1"), r"out.jsonl:2: not valid UTF-8"),
        ("out.jsonl", bad_bytes("malformed"), r"out.jsonl:2: malformed JSON"),
        ("out.jsonl-async", line({**GOOD[0], "_async_position": 0}) + b"{oops\n" + line({**GOOD[2], "_async_position": 2}),
         r"out.jsonl-async:2: malformed JSON"),
        ("out.jsonl-async", line(GOOD[0]), r"out.jsonl-async:1: record without a non-negative integer _async_position"),
        ("out.jsonl-async", bad_bytes("utf16"), r"out.jsonl-async:1: not valid UTF-8"),
        ("out.jsonl-async.meta.json", b"\xff\xfe{", r"out.jsonl-async.meta.json: unreadable settings sidecar"),
    ],
)
def test_generate_bad_output_files(tmp_path: Path, fake: FakeServer, name: str, content: bytes, where: str) -> None:
    data = tmp_path / "data.jsonl"
    data.write_bytes(b"".join(line(r) for r in GOOD))
    (tmp_path / name).write_bytes(content)
    if name.endswith(".meta.json"):
        (tmp_path / "out.jsonl-async").write_bytes(line({**GOOD[0], "_async_position": 0}))
    before = snapshot(tmp_path)
    result = ns("generate", "--input_file", str(data), "--output_file", str(tmp_path / "out.jsonl"),
                "--server_address", fake.base_url)
    assert result.returncode == 2, result.stderr
    assert re.search(re.escape(str(tmp_path)) + "/" + where, result.stderr), result.stderr
    assert snapshot(tmp_path) == before
    assert fake.requests == {}


def test_generate_checks_every_file_before_changing_any(tmp_path: Path, fake: FakeServer) -> None:
    """With --rerun_done, a bad second benchmark must not cost the first one its finished output."""
    data, out = tmp_path / "data", tmp_path / "run"
    for name, content in (("gsm8k", b"".join(line(r) for r in GOOD)), ("svamp", bad_bytes("malformed"))):
        path = data / name / f"{get_benchmark(name).split}.jsonl"
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
    finished = out / "eval-results" / "gsm8k" / "output.jsonl"
    finished.parent.mkdir(parents=True)
    finished.write_bytes(b"".join(line(r) for r in GOOD))
    (finished.parent / "output-rs0.jsonl-async").write_bytes(line({**GOOD[0], "_async_position": 0}))
    before = snapshot(tmp_path)
    result = ns("generate", "--chunks", "gsm8k:greedy,gsm8k:rs0,svamp:greedy", "--output_dir", str(out),
                "--data_dir", str(data), "--server_address", fake.base_url, "--rerun_done")
    assert_refused(result, data / "svamp" / "test.jsonl", "malformed", before, tmp_path)
    assert fake.requests == {}


# -- ns grade ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES)
def test_grade_bad_output_file(tmp_path: Path, case: str) -> None:
    good, bad = tmp_path / "output-rs0.jsonl", tmp_path / "output-rs1.jsonl"
    good.write_bytes(b"".join(line({k: v for k, v in r.items() if k != "symbolic_correct"}) for r in GOOD))
    bad.write_bytes(bad_bytes(case))
    before = snapshot(tmp_path)
    result = ns("grade", "--input_files", str(tmp_path / "output*.jsonl"), "--num_workers", "1")
    assert_refused(result, bad, case, before, tmp_path)


# -- ns summarize_results ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["malformed", "latin1", "utf16"])
def test_summarize_bad_output_file(tmp_path: Path, case: str) -> None:
    bench = tmp_path / "eval-results" / "gsm8k"
    bench.mkdir(parents=True)
    (bench / "output-rs0.jsonl").write_bytes(b"".join(line(r) for r in GOOD))
    bad = bench / "output-rs1.jsonl"
    bad.write_bytes(bad_bytes(case))
    (tmp_path / "metrics.json").write_text('{"gsm8k": {"from": "an earlier run"}}\n')
    before = snapshot(tmp_path)
    result = ns("summarize_results", str(tmp_path), "--json", str(tmp_path / "metrics.json"))
    assert_refused(result, bad, case, before, tmp_path)


def test_summarize_empty_seed_file_is_flagged(tmp_path: Path) -> None:
    bench = tmp_path / "gsm8k"
    bench.mkdir()
    (bench / "output-rs0.jsonl").write_bytes(b"".join(line(r) for r in GOOD))
    (bench / "output-rs1.jsonl").write_bytes(b"")
    before = snapshot(tmp_path)
    result = ns("summarize_results", str(tmp_path), "--strict")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "output-rs1.jsonl" in result.stdout + result.stderr
    after = snapshot(tmp_path)
    assert "gsm8k" in json.loads(after.pop("metrics.json"))  # the only file added, as NeMo-Skills writes it
    assert after == before


# -- ns fill_majority -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["malformed", "latin1", "utf16", "empty"])
def test_fill_majority_bad_seed_file(tmp_path: Path, case: str) -> None:
    (tmp_path / "output-rs0.jsonl").write_bytes(b"".join(line(r) for r in GOOD))
    bad = tmp_path / "output-rs1.jsonl"
    bad.write_bytes(bad_bytes(case))
    before = snapshot(tmp_path)
    result = ns("fill_majority", "--input_files", str(tmp_path / "output-rs*.jsonl"))
    expected = {**EXPECTED, "empty": r": file holds no records"}
    assert result.returncode == 2, result.stdout + result.stderr
    assert re.search(re.escape(str(bad)) + expected[case], result.stderr), result.stderr
    assert snapshot(tmp_path) == before


# -- ns llm_math_judge ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES)
def test_judge_bad_input_file(tmp_path: Path, fake: FakeServer, case: str) -> None:
    (tmp_path / "output-rs0.jsonl").write_bytes(b"".join(line(r) for r in GOOD))
    (tmp_path / "output-rs0.jsonl-async").write_bytes(line({**GOOD[0], "judgement": "Judgement: Yes",
                                                            "judge_correct": True, "_async_position": 0}))
    bad = tmp_path / "output-rs1.jsonl"
    bad.write_bytes(bad_bytes(case))
    before = snapshot(tmp_path)
    result = ns("llm_math_judge", "--input_files", str(tmp_path / "output-rs*.jsonl"), "--server_address", fake.base_url,
                "--model", "fake-model", "--max_retries", "0")
    assert_refused(result, bad, case, before, tmp_path)
    assert fake.requests == {}


def test_judge_bad_partial_file(tmp_path: Path, fake: FakeServer) -> None:
    target = tmp_path / "output.jsonl"
    target.write_bytes(b"".join(line({**r, "predicted_answer": "7"}) for r in GOOD))
    partial = tmp_path / "output.jsonl-async"
    partial.write_bytes(line({**GOOD[0], "judge_correct": True, "_async_position": 0}) + b"\xe9t\xe9\n")
    before = snapshot(tmp_path)
    result = ns("llm_math_judge", "--input_files", str(target), "--server_address", fake.base_url,
                "--model", "fake-model", "--max_retries", "0")
    assert_refused(result, partial, "latin1", before, tmp_path)
    assert fake.requests == {}

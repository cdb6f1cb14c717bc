"""The viewer's data, without a browser: same numbers as summarize_results, cells, filters, problem pages, compare."""

from __future__ import annotations

import json

import pytest

from nskit.metrics import summarize
from nskit.metrics.render import table_cells
from nskit.view import Site, export_site
from nskit.view.problem import answer_span
from nskit.view.site import NotFound
from tests.view.fixtures import DISAGREE, PROBLEMS, SEEDS, TIR, snapshot, write_run


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("runs")
    return write_run(base / "a"), write_run(base / "b", flipped=True)


def test_overview_is_the_summarize_table(runs):
    a, _ = runs
    payload = Site(a).payload("summary")
    (bench,) = payload["runs"][0]["benchmarks"]
    expected = summarize(a).benchmarks[0]
    assert bench["table"] == table_cells(expected)
    assert bench["json"] == {row.name: row.as_json() for row in expected.rows}
    assert bench["files"] == ["greedy"] + [f"rs{s}" for s in range(SEEDS)]
    assert any("error" in issue for issue in bench["issues"])


def test_cells_flags_and_majority(runs):
    data = Site(runs[0]).payload("r0/b0/list")
    assert len(data["cells"]) == PROBLEMS
    assert data["cells"][0] == "c" * (SEEDS + 1)
    assert data["cells"][1] == "w" * (SEEDS + 1)
    assert data["cells"][2] == "n" * (SEEDS + 1)
    assert data["cells"][DISAGREE][2] == "d"  # rs1: symbolic right, the judge says no
    assert data["cells"][4][3] == "e" and data["cells"][6][4] == "g"
    assert data["flags"] == {"no_answer": [2, 4], "disagree": [DISAGREE], "grading_error": [6], "generation_error": [4]}
    assert data["majority"][0] == "\\frac{1}{2}" and data["share"][0] == 1.0 and data["score"][0] == 1.0
    assert data["majority"][2] is None and data["score"][2] == 0.0
    assert data["tied"][DISAGREE] and not data["tied"][0]
    assert data["correct"][0] == SEEDS + 1 and data["correct"][1] == 0
    assert data["facets"]["level"]["values"] == ["Level 1", "Level 2", "Level 3"]


def test_problem_page_reads_every_file_and_groups_answers(runs):
    page = Site(runs[0]).payload(f"r0/b0/p{DISAGREE}")
    assert [g["label"] for g in page["generations"]] == ["greedy"] + [f"rs{s}" for s in range(SEEDS)]
    rs1 = page["generations"][2]
    assert (rs1["symbolic_correct"], rs1["judge_correct"], rs1["state"]) == (True, False, "d")
    start, end = rs1["span"]
    assert rs1["generation"][start:end] == "\\boxed{3}"
    assert [(g["answer"], len(g["members"])) for g in page["groups"]] == [("4", 3), ("3", 2)]
    assert page["data"] == {"level": "Level 1", "subject": "Algebra"}


def test_sections_show_code_steps_reasoning_tokens_and_other_fields(runs):
    site = Site(runs[0])
    tir = site.payload(f"r0/b0/p{TIR}")["generations"][0]["sections"]
    assert [s["kind"] for s in tir] == ["markdown", "code_steps", "markdown"]
    assert tir[1]["data"][0]["stdout"] == "5\n"
    tokens = site.payload("r0/b0/p7")["generations"][0]["sections"]
    assert tokens[-1]["kind"] == "tokens" and tokens[-1]["data"][3] == [" 7", 0.2]
    error = site.payload("r0/b0/p4")["generations"][3]
    assert error["error"] == "server returned 500 three times" and error["state"] == "e"


def test_unknown_fields_land_in_other_fields(tmp_path):
    root = write_run(tmp_path / "run")
    path = root / "eval-results" / "math" / "output.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    lines[0]["beam_scores"] = [0.1, 0.9]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    sections = Site(root).payload("r0/b0/p0")["generations"][0]["sections"]
    assert sections[-1]["title"] == "other fields" and sections[-1]["data"] == {"beam_scores": [0.1, 0.9]}


def test_compare_puts_flipped_problems_first(runs):
    data = Site(*runs).payload("compare/b0")
    assert data["flipped"] == 1
    first = data["rows"][0]
    assert (first["a"], first["right_a"], first["right_b"], first["flipped"]) == (1, False, True, True)


def test_a_changed_file_is_reindexed(tmp_path):
    root = write_run(tmp_path / "run")
    site = Site(root)
    assert site.payload("r0/b0/list")["cells"][1][0] == "w"
    path = root / "eval-results" / "math" / "output.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    lines[1].update(predicted_answer="\\frac{3}{4}", symbolic_correct=True, judge_correct=True, generation="x" * 50)
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    assert site.payload("r0/b0/list")["cells"][1][0] == "c"
    assert site.payload("r0/b0/p1")["generations"][0]["predicted_answer"] == "\\frac{3}{4}"


def test_unknown_paths_are_not_found(runs):
    site = Site(runs[0])
    for path in ("nothing", "r0/b0/p99", "r0/b7/list", "r3/b0/list", "compare/b0"):
        with pytest.raises(NotFound):
            site.payload(path)


def test_export_writes_every_page_and_nothing_into_the_output_dir(runs, tmp_path):
    before = snapshot(runs[0])
    count = export_site(Site(*runs), tmp_path / "site")
    assert count == 1 + 2 * (1 + PROBLEMS) + 1
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "vendor" / "katex" / "katex.min.js").is_file()
    assert (tmp_path / "site" / "data" / "r0" / "b0" / "p3.js").read_text().startswith('NS.receive("r0/b0/p3",')
    assert snapshot(runs[0]) == before
    with pytest.raises(ValueError, match="never writes there"):
        export_site(Site(runs[0]), runs[0] / "site")


@pytest.mark.parametrize(
    ("text", "answer", "found"),
    [
        ("so $\\boxed{\\frac{1}{2}}$.", "\\frac{1}{2}", "\\boxed{\\frac{1}{2}}"),
        ("The answer is 42.", "42", "42"),
        ("\\boxed{3} then \\boxed{5}", "5", "\\boxed{5}"),
        ("nothing here", "7", None),
    ],
)
def test_answer_span(text, answer, found):
    span = answer_span(text, answer)
    assert (None if span is None else text[span[0] : span[1]]) == found


def test_the_index_is_cached_outside_the_output_dir_until_a_file_changes(tmp_path, monkeypatch):
    from nskit.metrics.discovery import find_benchmarks
    from nskit.view.cache import cache_path, cached_index

    root = write_run(tmp_path / "run")
    (found,) = find_benchmarks(root)
    first = cached_index(found)
    assert cache_path(found.folder).is_file() and not str(cache_path(found.folder)).startswith(str(root))
    monkeypatch.setattr("nskit.view.cache.build_index", lambda found: pytest.fail("rebuilt a fresh index"))
    assert cached_index(found).texts == first.texts
    monkeypatch.undo()
    path = root / "eval-results" / "math" / "output.jsonl"
    path.write_text(path.read_text().replace('"Level 1"', '"Level 9"'))  # same size: the mtime tells
    assert "Level 9" in cached_index(found).facets["level"]


def test_grader_groups_merge_equivalent_spellings(tmp_path):
    root = write_run(tmp_path / "run")
    path = root / "eval-results" / "math" / "output-rs0.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    lines[0]["predicted_answer"] = "0.5"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    site = Site(root)
    by_vote = site.payload("r0/b0/p0")["groups"]
    assert [(g["answer"], len(g["members"])) for g in by_vote] == [("\\frac{1}{2}", SEEDS), ("0.5", 1)]
    by_grader = site.payload("r0/b0/g0")
    assert [(g["answer"], sorted(g["members"])) for g in by_grader] == [("\\frac{1}{2}", list(range(SEEDS + 1)))]
    assert "r0/b0/g0" not in set(site.paths())


def test_token_confidence_reads_nskit_logprobs(tmp_path):
    root = write_run(tmp_path / "run")
    path = root / "eval-results" / "math" / "output.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    lines[0]["logprobs"] = [{"token": "The", "logprob": 0.0, "top_logprobs": {}}, {"token": " 5", "logprob": -2.0}]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    (section,) = [s for s in Site(root).payload("r0/b0/p0")["generations"][0]["sections"] if s["kind"] == "tokens"]
    assert section["data"] == [["The", 1.0], [" 5", 0.1353]]


def test_a_malformed_file_is_reported_on_the_page_with_file_and_line(tmp_path):
    import threading
    import urllib.request

    from nskit.view import make_server

    root = write_run(tmp_path / "run")
    path = root / "eval-results" / "math" / "output-rs1.jsonl"
    lines = path.read_text().splitlines()
    lines[2] = lines[2][:40]
    path.write_text("\n".join(lines) + "\n")
    server = make_server(Site(root), "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/data/summary.js") as response:
            body = response.read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert body.startswith('NS.fail("summary",') and "output-rs1.jsonl:3: malformed JSON" in body


def test_code_benchmarks_use_the_execution_verdict(tmp_path):
    from tests.view.fixtures import write_code_run

    root = write_code_run(tmp_path / "run")
    site = Site(root)
    data = site.payload("r0/b0/list")
    assert data["cells"] == ["ccw", "wwc", "ccw"]
    generation = site.payload("r0/b0/p1")["generations"][0]
    assert (generation["correct"], generation["passed"], generation["state"]) == (False, False, "w")
    start, end = generation["span"]
    assert generation["generation"][start:end] == generation["predicted_answer"]
    (execution,) = [s for s in generation["sections"] if s["title"] == "execution"]
    assert execution["data"] == {"status": "failed", "execution_error": "AssertionError", "execution_time": 0.02}


def test_a_short_seed_file_shows_missing_cells_and_greedy_alone_votes(tmp_path):
    root = write_run(tmp_path / "run")
    folder = root / "eval-results" / "math"
    short = folder / f"output-rs{SEEDS - 1}.jsonl"
    short.write_text("".join(line + "\n" for line in short.read_text().splitlines()[:-1]))
    site = Site(root)
    data = site.payload("r0/b0/list")
    assert data["cells"][-1][-1] == "m" and data["present"][-1] == SEEDS
    assert site.payload(f"r0/b0/p{PROBLEMS - 1}")["generations"][-1] is None
    for seed in range(SEEDS):
        (folder / f"output-rs{seed}.jsonl").unlink()
    greedy = Site(root).payload("r0/b0/list")
    assert greedy["files"] == ["greedy"] and greedy["share"][0] == 1.0 and greedy["majority"][1] == "7"


def test_token_log_sidecar_shows_per_step_confidence(tmp_path):
    from nskit.records.token_log import TokenLogWriter
    from tests.records.test_token_log import make_steps

    root = write_run(tmp_path / "run")
    writer = TokenLogWriter(root / "eval-results" / "math" / "output-rs1.jsonl")
    writer.open()
    steps = make_steps(6, 4, seed=3)
    writer.append(2, steps)
    writer.close()
    writer.finalize(range(PROBLEMS))
    page = Site(root).payload("r0/b0/p2")
    (section,) = [s for s in page["generations"][2]["sections"] if s["kind"] == "steps"]
    assert section["data"]["probs"] == [round(float(p), 3) for p in steps.chosen_probs]
    assert section["data"]["ranks"] == [int(r) for r in steps.ranks] and section["title"].startswith("token log (6 steps")
    assert not any(s["kind"] == "steps" for s in page["generations"][1]["sections"])

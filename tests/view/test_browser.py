"""`ns view` driven in a real headless Chromium (Debian's chromium, through Playwright): the pages a user sees.

A screenshot of each page is kept under test-artifacts/view/ (NSKIT_VIEW_SCREENSHOTS=docs/images/view refreshes
the ones in the docs). Every request the page makes must stay on this machine (no CDN).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nskit.records.token_log import TokenLogWriter
from tests.helpers import REPO, ns
from tests.records.test_token_log import make_steps
from tests.view.fixtures import DISAGREE, PROBLEMS, SEEDS, TIR, snapshot, write_code_run, write_run

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-quic",
]
SHOTS = Path(os.environ.get("NSKIT_VIEW_SCREENSHOTS") or REPO / "test-artifacts" / "view")
LOCAL = re.compile(r"^(http://127\.0\.0\.1:\d+/|file://|data:)")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for the module (the system package: Playwright cannot download one here)."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing; run .ci/install_browser.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    base = tmp_path_factory.mktemp("view")
    a, b = write_code_run(write_run(base / "a")), write_run(base / "b", flipped=True)
    writer = TokenLogWriter(a / "eval-results" / "math" / "output.jsonl")  # the .tokens sidecar of greedy
    writer.open()
    writer.append(7, make_steps(12, 4, seed=7))
    writer.close()
    writer.finalize(range(PROBLEMS))
    return a, b, snapshot(a)


@pytest.fixture(scope="module")
def url(runs) -> Iterator[str]:
    """`ns view A --compare B --port 0` running as the real command; its printed URL."""
    a, b, _ = runs
    process = subprocess.Popen(
        [sys.executable, "-m", "nskit", "view", str(a), "--compare", str(b), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO,
    )
    line = process.stdout.readline()
    match = re.search(r"on (http://127\.0\.0\.1:\d+/)", line)
    assert match, f"ns view printed {line!r}"
    yield match.group(1)
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh page; fails the test on a script error or a request that leaves this machine."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("request", lambda request: None if LOCAL.match(request.url) else errors.append(f"request {request.url}"))
    yield tab
    context.close()
    assert not errors


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def number(cell: str) -> float:
    return float(cell.split("%")[0])


def test_overview_numbers_equal_summarize_results_json(page, url, runs, tmp_path):
    a, _, _ = runs
    result = ns("summarize_results", str(a), "--json", str(tmp_path / "metrics.json"))
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "metrics.json").read_text())["math"]
    page.goto(url)
    table = page.locator('section[data-run="0"] .bench[data-bench="math"] table.summary')
    table.wait_for()
    shot(page, "overview")
    checked = 0
    for row in table.locator("tbody tr").all():
        name = row.get_attribute("data-row")
        for cell in row.locator("td[data-col]").all():
            column = cell.get_attribute("data-col")
            text = cell.inner_text().strip()
            if column == "evaluation_mode" or not text:
                continue
            if column in ("num_entries", "avg_tokens", "gen_seconds"):
                assert int(text) == round(metrics[name][column]), (name, column)
            else:
                assert number(text) == round(metrics[name][column], 2), (name, column, text)
                if "±" in text:
                    std = metrics[name][f"{column}_statistics"]["std_dev_across_runs"]  # a fraction, as NeMo-Skills
                    assert number(text.split("±")[1]) == round(100 * std, 2)
            checked += 1
    assert checked >= 4 * 5  # greedy, pass@1[avg-of-4], majority@4, pass@4 (NeMo-Skills' rows) x 5+ columns


def test_filter_disagree_open_problem_and_switch_seeds(page, url):
    page.goto(url)
    page.locator('section[data-run="0"] .bench[data-bench="math"] a.list-link').click()
    page.locator(".ns-vlist a.row").first.wait_for()
    assert page.locator(".count").inner_text() == f"{PROBLEMS} of {PROBLEMS} problems"
    page.fill('input[name="q"]', "problem 11:")
    page.wait_for_function("document.querySelector('.count').textContent.startsWith('1 of')")
    page.fill('input[name="q"]', "")
    page.select_option('select[name="f_level"]', "Level 1")
    assert page.locator(".count").inner_text() == f"4 of {PROBLEMS} problems"  # problems 0, 3, 6, 9
    page.select_option('select[name="f_level"]', "")
    page.select_option('select[name="sort"]', "-rate")
    assert page.locator(".ns-vlist a.row").first.get_attribute("data-p") == "0"  # right in every file
    page.select_option('select[name="sort"]', "rate")
    assert page.locator(".ns-vlist a.row").first.get_attribute("data-p") == "1"  # wrong in every file
    page.select_option('select[name="show"]', "disagree")
    assert page.locator(".count").inner_text() == f"1 of {PROBLEMS} problems"
    rows = page.locator(".ns-vlist a.row")
    assert rows.count() == 1 and rows.first.get_attribute("data-p") == str(DISAGREE)
    assert "show=disagree" in page.url
    shot(page, "problems-disagree")

    rows.first.click()
    page.locator(".gen .generation").wait_for()
    assert page.locator(".problem .md .katex .mfrac").count() == 1  # \frac{3}{2} typeset by KaTeX
    answer = page.locator(".gen .generation mark.answer")
    assert answer.count() == 1 and answer.locator(".katex").count() == 1
    assert "4" in answer.inner_text()  # greedy answered 4 inside \boxed{}
    assert page.locator(".gen-head .label").inner_text() == "greedy"
    shot(page, "problem")
    page.locator("button.regroup").click()
    page.wait_for_function("document.querySelector('.grouping').textContent === \"by the grader's equivalence\"")
    assert page.locator("table.groups tr.group").count() == 2  # 3 and 4 stay apart

    page.locator('.switch a.cell[data-i="2"]').click()
    generation = page.locator('.gen[data-label="rs1"]')
    generation.wait_for()
    assert "ok" in generation.locator('[data-verdict="symbolic"]').get_attribute("class")
    assert "bad" in generation.locator('[data-verdict="judge"]').get_attribute("class")
    assert "3" in generation.locator("mark.answer").inner_text()
    assert page.locator(".current").inner_text() == f"rs1 (3 of {SEEDS + 1})"
    shot(page, "problem-rs1")
    page.keyboard.press("ArrowRight")
    page.locator('.gen[data-label="rs2"]').wait_for()


def test_problem_sections_render_code_steps_and_reasoning(page, url):
    page.goto(f"{url}#/r0/b0/p{TIR}")
    steps = page.locator('details[data-kind="code_steps"]')
    steps.wait_for()
    assert "print(5 * 1)" in steps.locator("pre.code").inner_text()
    assert steps.locator("pre.out").inner_text().strip() == "5"
    reasoning = page.locator('details[data-kind="markdown"]').first
    assert reasoning.locator("summary").inner_text() == "reasoning"
    assert reasoning.get_attribute("open") is None  # folded until asked for
    shot(page, "problem-code")
    page.goto(f"{url}#/r0/b0/p7")
    page.locator('details[data-kind="tokens"]').wait_for(state="attached")
    assert page.locator('details[data-kind="tokens"] .tokens span').count() == 4
    assert page.locator('details[data-kind="steps"] .step-cell').count() == 12


def test_code_benchmark_shows_the_program_and_its_execution(page, url):
    page.goto(f"{url}#/r0/b1/p1")
    page.locator(".gen .generation").wait_for()
    assert "def add(a, b):" in page.locator(".gen .generation pre mark.answer").inner_text()
    assert "bad" in page.locator('.gen [data-verdict="passed"]').get_attribute("class")
    assert "AssertionError" in page.locator('details[data-kind="table"]').inner_text()
    shot(page, "problem-code-benchmark")


def test_compare_shows_flipped_problems_first(page, url):
    page.goto(url)
    page.locator("a.compare-link").first.click()
    first = page.locator(".ns-vlist .row.cmp").first
    first.wait_for()
    assert first.get_attribute("data-a") == "1" and "flipped" in first.get_attribute("class")
    assert "wrong → right" in first.inner_text()
    assert page.locator(".count").first.inner_text().startswith("1 problem(s) flipped")
    shot(page, "compare")


def test_export_opens_from_disk(page, runs, tmp_path):
    a, _, _ = runs
    out = tmp_path / "site"
    result = ns("view", str(a), "--export", str(out))
    assert result.returncode == 0, result.stderr
    page.goto(f"{(out / 'index.html').as_uri()}#/r0/b0/p0")
    page.locator(".gen .generation mark.answer .katex").wait_for()
    page.locator("button.regroup").click()
    page.wait_for_function("document.querySelector('.grouping').textContent.includes('needs ns view')")
    page.goto(f"{(out / 'index.html').as_uri()}#/")
    page.locator("table.summary td").first.wait_for()
    shutil.rmtree(out)


def test_viewing_wrote_nothing_into_the_output_dir(runs, url):
    a, _, before = runs
    assert snapshot(a) == before

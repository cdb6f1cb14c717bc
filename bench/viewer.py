"""Time `ns view` on 5000 problems x 64 seeds: first render of the overview, the problem list, scrolling, a problem.

Usage: .venv/bin/python bench/viewer.py [--problems 5000] [--seeds 64] [--keep DIR] [--screenshots DIR]
The data are bench/summarize.py's synthetic graded and judged records, written to a temporary directory (reused
with --keep DIR). `ns view DIR --port 0` runs in a child process; headless Chromium (Debian's `chromium`, driven
by Playwright) measures, from the moment the command is started:
- first render: the overview's summarize table is on screen (server start, index of every file, the page);
- the problem list: 5000 rows filtered and the first rows drawn (clicked from the overview);
- scrolling: the list scrolled through from top to bottom in 600 px steps, one per frame: frame times;
- a problem: the page of problem 2500 with its 64 generations loaded and the first one rendered.
Each is measured twice: cold (no index cache: every file read) and warm (the index cached outside the output
dir by the first run). Acceptance: cold first render under 2 s; exits 1 when over.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from summarize import build  # bench/summarize.py: the same synthetic records

LIMIT_SECONDS = 2.0
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-quic",
]
SCROLL = """async () => {
  const box = document.querySelector('.ns-vlist');
  const times = [];
  let last = performance.now();
  while (box.scrollTop + box.clientHeight < box.scrollHeight - 1) {
    box.scrollTop += 600;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const now = performance.now();
    times.push(now - last);
    last = now;
  }
  times.sort((a, b) => a - b);
  return {frames: times.length, mean: times.reduce((a, b) => a + b, 0) / times.length,
          p95: times[Math.floor(0.95 * (times.length - 1))], max: times[times.length - 1]};
}"""


def start_viewer(root: Path, cache: Path) -> tuple[subprocess.Popen, str, float, float]:
    """Start `ns view root --port 0`; returns the process, its URL, when it was started and when the URL came."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "nskit", "view", str(root), "--port", "0"], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "NSKIT_CACHE": str(cache)},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"http://[\d.]+:\d+/", line)
    if match is None:
        process.kill()
        raise SystemExit(f"ns view did not print its URL: {line!r}")
    return process, match.group(0), started, time.monotonic()


def measure(root: Path, cache: Path, screenshots: Path | None) -> dict[str, float]:
    """Drive the page and return the timings in seconds (scroll frame times in ms)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        process, url, started, printed = start_viewer(root, cache)
        try:
            page.goto(url)
            page.wait_for_selector("table.summary td", timeout=60_000)
            timings = {"url_printed_s": printed - started, "first_render_s": time.monotonic() - started}
            cpu = psutil.Process(process.pid).cpu_times()
            timings["server_cpu_at_first_render_s"] = cpu.user + cpu.system  # the work, whatever the load
            clicked = time.monotonic()
            page.click("a.list-link")
            page.wait_for_selector(".ns-vlist a.row", timeout=60_000)
            timings["problem_list_s"] = time.monotonic() - clicked
            scroll = page.evaluate(SCROLL)
            timings.update({f"scroll_{k}_ms": v for k, v in scroll.items()})
            draws = page.evaluate("NS.drawTimes.slice().sort((a, b) => a - b)")
            timings["row_draw_mean_ms"] = sum(draws) / len(draws)
            timings["row_draw_max_ms"] = draws[-1]
            if screenshots:
                page.screenshot(path=str(screenshots / "bench-list.png"))
            opened = time.monotonic()
            page.goto(url + "#/r0/b0/p2500")
            page.wait_for_selector(".gen .generation", timeout=60_000)
            timings["open_problem_s"] = time.monotonic() - opened
            switched = time.monotonic()
            page.keyboard.press("ArrowRight")
            page.wait_for_selector('.gen[data-label="rs1"]', timeout=60_000)
            timings["switch_seed_s"] = time.monotonic() - switched
            if screenshots:
                page.screenshot(path=str(screenshots / "bench-problem.png"))
        finally:
            process.terminate()
            process.wait(timeout=30)
            browser.close()
    return timings


def main() -> None:
    """Build the data, measure, print, exit 1 when the first render is over the limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=5000)
    parser.add_argument("--seeds", type=int, default=64)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the data here instead of a temp dir")
    parser.add_argument("--screenshots", type=Path, help="save screenshots of the list and a problem here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nskit-bench-") as tmp:
        root = build(args.keep or Path(tmp), args.problems, args.seeds)
        size = sum(p.stat().st_size for p in root.rglob("*.jsonl"))
        print(f"data: {args.problems} problems x {args.seeds} seeds, {size / 1e6:.0f} MB in {root}")
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        if args.screenshots:
            args.screenshots.mkdir(parents=True, exist_ok=True)
        cache = Path(tmp) / "cache"
        cold = measure(root, cache, args.screenshots)  # empty cache: every file is read and indexed
        warm = measure(root, cache, None)  # the index from the cache kept outside the output dir
    print(f"{'':>22}  {'cold':>8}  {'warm':>8}")
    for name in cold:
        print(f"{name:>22}  {cold[name]:8.3f}  {warm[name]:8.3f}")
    ok = cold["first_render_s"] <= LIMIT_SECONDS
    print(f"first render (cold) {'within' if ok else 'OVER'} the {LIMIT_SECONDS:.0f} s limit")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()

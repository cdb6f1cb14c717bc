"""`ns eval` killed with SIGKILL at 20 random moments (generation and grading) and resumed each time.

The final files must equal those of an uninterrupted run record for record, text included, timing fields aside.
vLLM's output depends on batch composition (see reference/measured-here.md), so this test starts its own small
server with `--max-num-seqs 1` (one sequence at a time: seeded sampling is reproducible whatever the order the
requests arrive in) and keeps the work small: gsm8k greedy + 2 seeds, 12 problems, 48 tokens (36 requests).
Set NSKIT_TEST_SERIAL_SERVER_ADDRESS to reuse such a server. The kill moments come from a seeded RNG
(NSKIT_KILL_SEED, printed), so a failing schedule can be replayed.

The kill moments are scaled by the machine's own speed: the uninterrupted run says how long generation and
grading take. The delays of the generation rounds add up to at most that generation time, so the work cannot
run out before the last generation round whether the machine is fast or slow. Each grading kill is drawn from the
whole grading time (kills before and during the file writes alike); as grading's length varies from run to run,
a kill that came after it is drawn again, from the grading time that round took, up to 24 tries for 8 grading
kills.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from nskit.records import iter_jsonl
from tests.faults.helpers import TIMING_FIELDS, WIDE, finished_records
from tests.helpers import ns, ns_background

pytestmark = [pytest.mark.vllm, pytest.mark.slow]

GENERATION_ROUNDS, GRADING_ROUNDS, GRADING_ATTEMPTS = 12, 8, 24
SETTINGS = ["--benchmarks=gsm8k:2", "++max_samples=12", "++inference.tokens_to_generate=48"]


@pytest.fixture(scope="module")
def serial_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A vLLM CPU server that runs one sequence at a time, so that its text does not depend on batching."""
    address = os.environ.get("NSKIT_TEST_SERIAL_SERVER_ADDRESS")
    if address:
        yield address
        return
    from nskit.models.embedded import embedded_model_dir
    from nskit.servers.launch import ServerRequest, launch_server

    request = ServerRequest(
        "vllm", str(embedded_model_dir()), health_timeout=600,
        args=["--enforce-eager", "--max-model-len", "2048", "--max-num-seqs", "1", "--no-enable-prefix-caching"],
        env={"VLLM_CPU_KVCACHE_SPACE": "1"},
    )
    log = tmp_path_factory.mktemp("serial-vllm") / "server.log"
    with launch_server(request, log) as server:
        yield server.base_url


def eval_args(out: Path, data: Path, server: str, mirror: Path) -> list[str]:
    return ["eval", "--output_dir", str(out), "--data_dir", str(data), "--mirror", str(mirror),
            "--server_type", "openai", "--server_address", server, *SETTINGS]


def results(out: Path) -> dict[str, list[dict]]:
    """Every output file of the run, its records without timing fields."""
    return {
        path.name: [{k: v for k, v in r.items() if k not in TIMING_FIELDS} for r in iter_jsonl(path)]
        for path in sorted((out / "eval-results" / "gsm8k").glob("output*.jsonl"))
    }


def records_done(out: Path, names: list[str]) -> int:
    """Generated records of output files `names` that survive now: in the final files or in their partial files."""
    folder = out / "eval-results" / "gsm8k"
    return sum(
        sum(1 for _ in iter_jsonl(folder / name)) if (folder / name).exists() else len(finished_records(folder / name))
        for name in names
    )


def step_seconds(log: Path, step: str) -> float | None:
    """How long `step` took in the run that wrote `log` ("step NAME done in X s"); None if it did not finish."""
    match = re.search(rf"step {step} done in ([0-9.]+) s", log.read_text())
    return float(match.group(1)) if match else None


def steps_running(process: psutil.Process) -> set[str]:
    """Which `ns` steps run below `process` now ("generate", "grade", ...)."""
    found = set()
    for child in process.children(recursive=True):
        try:
            cmdline = child.cmdline()
        except psutil.NoSuchProcess:
            continue
        if "nskit" in cmdline and "-m" in cmdline and len(cmdline) > cmdline.index("nskit") + 1:
            found.add(cmdline[cmdline.index("nskit") + 1])
    return found


def wait_for_step(process: subprocess.Popen, step: str, timeout: float = 300) -> bool:
    """Wait until `step` runs below `process`; False if `process` ended first."""
    tree = psutil.Process(process.pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if step in steps_running(tree):
            return True
        time.sleep(0.05)
    raise AssertionError(f"step {step} did not start within {timeout} s")


def kill_at(process: subprocess.Popen, delay: float) -> set[str]:
    """SIGKILL `process` after `delay` s; the steps running at that moment. Waits until its whole tree is gone."""
    tree = psutil.Process(process.pid)
    time.sleep(delay)
    if process.poll() is not None:
        return {"(finished)"}
    running = steps_running(tree)
    descendants = tree.children(recursive=True)
    process.send_signal(signal.SIGKILL)
    process.wait()
    _, alive = psutil.wait_procs(descendants, timeout=30)
    assert not alive, f"left behind after SIGKILL of ns eval: {[p.pid for p in alive]}"
    return running or {"(between steps)"}


def test_sigkill_at_random_moments_then_resume(tmp_path: Path, serial_server: str, mirror_dir: Path) -> None:
    seed = int(os.environ.get("NSKIT_KILL_SEED", "20240"))
    rng = random.Random(seed)
    data = tmp_path / "data"
    reference = ns(*eval_args(tmp_path / "reference", data, serial_server, mirror_dir), env=WIDE)
    assert reference.returncode == 0, reference.stderr[-3000:]
    expected = results(tmp_path / "reference")
    assert sorted(expected) == ["output-rs0.jsonl", "output-rs1.jsonl", "output.jsonl"]
    total, names = sum(len(records) for records in expected.values()), sorted(expected)
    generation = step_seconds(tmp_path / "reference" / "logs" / "eval.log", "generate")
    grading = step_seconds(tmp_path / "reference" / "logs" / "eval.log", "grade-gsm8k")
    assert generation and grading, "the reference run's log should give both step times"

    out = tmp_path / "killed"
    args = eval_args(out, data, serial_server, mirror_dir)
    moments: list[tuple[str, float, set[str], int]] = []

    def kill_round(phase: str, window: float) -> Path:
        """Start `ns eval`, SIGKILL it a random moment of `window` s into `phase`; the round's log."""
        log = tmp_path / f"round-{len(moments)}.log"
        process = ns_background(*args, env=WIDE, log=log)
        if not wait_for_step(process, phase):
            running, delay = {"(finished)"}, 0.0
        else:
            delay = rng.uniform(0.0, window)
            running = kill_at(process, delay)
        moments.append((phase, delay, running, records_done(out, names)))
        return log

    for _ in range(GENERATION_ROUNDS):
        kill_round("generate", generation / GENERATION_ROUNDS)
    # Grading is short and its length varies from run to run (the reference's first grading is the slowest): a
    # kill that came after it does not count; the next moment is drawn from the grading time that round took.
    grade_kills = attempts = 0
    while grade_kills < GRADING_ROUNDS and attempts < GRADING_ATTEMPTS:
        log = kill_round("grade", grading)
        if "grade" in moments[-1][2]:
            grade_kills += 1
        else:
            grading = step_seconds(log, "grade-gsm8k") or grading
        attempts += 1
    print(f"kill seed {seed}, generation {generation:.1f} s, grading {grading:.1f} s: " + "; ".join(
        f"{p}+{d:.2f}s -> {','.join(sorted(s))} ({n}/{total} records)" for p, d, s, n in moments))

    final = ns(*args, env=WIDE)
    assert final.returncode == 0, final.stderr[-3000:]
    assert results(out) == expected
    leftovers = [p.name for p in (out / "eval-results" / "gsm8k").iterdir() if not p.name.startswith("output")]
    assert not leftovers, leftovers
    assert not list((out / "eval-results" / "gsm8k").glob("*-async*"))
    landed = [running for _, _, running, _ in moments]
    generation_kills = sum("generate" in r for r in landed)
    assert generation_kills + grade_kills >= GENERATION_ROUNDS + GRADING_ROUNDS, moments  # 20 kills that hit a step
    assert generation_kills == GENERATION_ROUNDS and grade_kills == GRADING_ROUNDS, moments
    # Kills that cut generation with some records kept and some still to do: the resume had real work to join.
    midway = [n for _, _, running, n in moments if "generate" in running and 0 < n < total]
    assert len(set(midway)) >= 2, moments

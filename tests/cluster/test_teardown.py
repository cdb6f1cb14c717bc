"""After Ctrl-C, SIGTERM or SIGKILL of `ns eval`, no vLLM (or any other child) process remains."""

from __future__ import annotations

import signal
from pathlib import Path

import psutil
import pytest

from tests.helpers import new_processes, ns_background, wait_for

pytestmark = [pytest.mark.vllm, pytest.mark.slow]


def start_eval(tmp_path: Path, mirror_dir: Path, embedded_model: Path) -> tuple:
    before = {p.pid for p in psutil.process_iter()}
    out = tmp_path / "run"
    process = ns_background(
        "eval", "--benchmarks=gsm8k:1", "--output_dir", str(out), "--data_dir", str(tmp_path / "data"),
        "--mirror", str(mirror_dir), "--model", str(embedded_model), "++max_samples=40",
        "++inference.tokens_to_generate=256", log=tmp_path / "eval.out",
    )
    return process, before, out


def server_healthy(out: Path) -> bool:
    log = out / "logs" / "eval.log"
    return log.exists() and "server healthy" in log.read_text()


def descendants(process) -> list[psutil.Process]:
    """The whole tree below `ns eval`, taken before the signal (after kill -9 its members are reparented)."""
    return psutil.Process(process.pid).children(recursive=True)


def server_below(process) -> bool:
    """Whether the vLLM server itself (not only its supervisor, whose command line names it too) runs below `process`."""
    for proc in descendants(process):
        try:
            cmdline = " ".join(proc.cmdline())
        except psutil.NoSuchProcess:
            continue
        if "vllm.entrypoints" in cmdline and "nskit.proc.supervise" not in cmdline:
            return True
    return False


def alive(tree: list[psutil.Process]) -> list[str]:
    left = []
    for proc in tree:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{proc.pid}: {' '.join(proc.cmdline())[:200]}")
        except psutil.NoSuchProcess:
            continue  # gone: what we want
    return left


def assert_nothing_left(tree: list[psutil.Process], tmp_path: Path) -> None:
    assert len(tree) >= 2, "expected the server and its supervisor below ns eval"
    wait_for(lambda: not alive(tree), 60, "every child process to exit")
    assert alive(tree) == [], (tmp_path / "eval.out").read_text()[-3000:]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["ctrl-c", "sigterm", "sigkill"])
def test_signal_during_generation_leaves_no_process(
    sig: signal.Signals, tmp_path: Path, mirror_dir: Path, embedded_model: Path
) -> None:
    process, before, out = start_eval(tmp_path, mirror_dir, embedded_model)
    wait_for(lambda: server_healthy(out) or process.poll() is not None, 600, "the eval's vLLM server to be healthy")
    assert process.poll() is None, (tmp_path / "eval.out").read_text()[-3000:]
    assert any("vllm" in line for line in new_processes(before)), "the server should be running now"
    tree = descendants(process)
    process.send_signal(sig)
    process.wait(timeout=120)
    assert_nothing_left(tree, tmp_path)


def test_sigterm_while_server_starts(tmp_path: Path, mirror_dir: Path, embedded_model: Path) -> None:
    process, _, out = start_eval(tmp_path, mirror_dir, embedded_model)
    wait_for(lambda: (out / "logs" / "server.log").exists(), 120, "the server to be launched")
    wait_for(lambda: server_below(process), 60, "the vLLM process")
    tree = descendants(process)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=120) != 0
    assert_nothing_left(tree, tmp_path)

"""A writer killed between creating its temporary file and renaming it leaves debris; the next writer removes it,
but never the temporary file of a writer that is still running, nor one written from another host."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from nskit.records import atomic_write_text
from nskit.records.atomic import clear_debris

HOLD_OPEN = """
import sys, time
from nskit.records.atomic import atomic_writer
with atomic_writer(sys.argv[1]) as handle:
    handle.write("half")
    handle.flush()
    print("open", flush=True)
    time.sleep(600)
"""


def _writer(path: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", HOLD_OPEN, str(path)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "open\n"
    return process


def _temps(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "output.jsonl"
    atomic_write_text(path, "old\n")
    killed = _writer(path)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert len(_temps(path)) == 1 and path.read_text() == "old\n"  # the kill left the old file and debris
    atomic_write_text(path, "new\n")
    assert path.read_text() == "new\n" and _temps(path) == []


def test_a_live_writers_and_another_hosts_temporary_files_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "output.jsonl"
    other_host = tmp_path / f".{path.name}.not-{socket.gethostname()}-1-abc.tmp"
    other_host.write_text("x")
    live = _writer(path)
    try:
        time.sleep(0.1)
        assert clear_debris(path) == []
        assert len(_temps(path)) == 2
    finally:
        live.kill()
        live.wait()
    assert len(clear_debris(path)) == 1 and _temps(path) == [other_host]

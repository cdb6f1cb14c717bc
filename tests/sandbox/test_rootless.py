"""Rootless: the execution judge run by an unprivileged user (uid 65534 via setpriv) grades reference solutions,
with each sandbox in a user namespace of its own; abuse is still contained.

The test drops from root to uid 65534 without capabilities. On this machine the Python installation lives under
/root (mode 0700), which such a user cannot reach; the test therefore runs in a private mount namespace where that
one directory is replaced by a traversable copy of its entry (a real user has a Python of their own).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from nskit.datasets import prepare_benchmark
from nskit.grading.code.references import as_generation, reference_generations
from nskit.records import read_jsonl, write_jsonl
from tests.helpers import wait_for

pytestmark = pytest.mark.sandbox
NOBODY = 65534


def _blocked_ancestor(path: str) -> Path | None:
    """The first ancestor of `path` that other users cannot traverse."""
    current = Path("/")
    for part in Path(path).parts[1:]:
        current = current / part
        if current.is_dir() and not os.stat(current).st_mode & 0o001:
            return current
    return None


def as_nobody(argv: list[str], work: Path) -> subprocess.CompletedProcess:
    """Run `argv` as uid/gid 65534 without capabilities (in a private mount namespace when needed, see above)."""
    drop = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--inh-caps=-all",
            "--bounding-set=-all", "env", f"HOME={work}", f"PATH={os.environ['PATH']}",
            f"NSKIT_MIRROR={os.environ.get('NSKIT_MIRROR', '')}", *argv]
    script = f"exec {shlex.join(drop)}"
    blocked = _blocked_ancestor(os.path.realpath(sys.base_prefix))
    if blocked is not None:
        inner = Path(os.path.realpath(sys.base_prefix)).relative_to(blocked).parts[0]
        shim = Path(tempfile.mkdtemp(prefix="shim-", dir=work))
        shim.chmod(0o755)
        (shim / inner).mkdir()
        script = (f"mount --bind {shlex.quote(str(blocked / inner))} {shlex.quote(str(shim / inner))} && "
                  f"mount --rbind {shlex.quote(str(shim))} {shlex.quote(str(blocked))} && {script}")
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                          capture_output=True, text=True, timeout=600, cwd=work)


def test_unprivileged_user_grades_references_and_abuse_is_contained(mirror_dir: Path, tmp_path: Path) -> None:
    if os.geteuid() != 0 or not all(shutil.which(tool) for tool in ("bwrap", "setpriv", "unshare")):
        pytest.skip("needs root (to drop to uid 65534), bwrap, setpriv and unshare")
    records = read_jsonl(prepare_benchmark("humaneval", tmp_path / "data", mirror_dir).path)[:6]
    graded = list(reference_generations(records[:4])) + list(reference_generations(records[4:5], broken=True))
    abuse = {
        "fork bomb": "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
        "loop": "while True:\n    pass\n",
        "network": "import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=2)\n",
        "ten gigabytes": "blob = bytearray(10 * 1024 ** 3)\n",
    }
    graded += [{**records[5], "id": name, "generation": as_generation(code)} for name, code in abuse.items()]
    work = Path(tempfile.mkdtemp(prefix="nskit-rootless-"))  # pytest's tmp_path lies under a 0700 directory
    try:
        output = work / "output.jsonl"
        write_jsonl(output, graded)
        for path in (work, output):
            os.chown(path, NOBODY, NOBODY)
        result = as_nobody([sys.executable, "-m", "nskit", "grade", "--input_files", str(output), "--extraction",
                            "code", "--timeout", "3"], work)
        check_rootless_run(result, work, records)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_rootless_run(result: subprocess.CompletedProcess, work: Path, records: list[dict]) -> None:
    output = work / "output.jsonl"
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    statuses = {r["id"]: r["status"] for r in read_jsonl(output)}
    assert [statuses[r["id"]] for r in records[:4]] == ["passed"] * 4, statuses
    assert statuses[records[4]["id"]] == "failed"
    assert statuses["fork bomb"] in ("timeout", "error") and statuses["loop"] == "timeout"
    assert statuses["network"] == "error" and statuses["ten gigabytes"] == "error"
    assert "rootless (uid 65534)" in log and "memory is capped per process only" in log, log[-2000:]
    assert output.stat().st_uid == NOBODY  # written by the unprivileged user
    wait_for(lambda: not live_processes_of(NOBODY), 15, "the sandboxes of uid 65534 to be gone")


def live_processes_of(uid: int) -> list[str]:
    """Pids of processes of `uid` that are not zombies (a pid namespace is torn down asynchronously)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(status["Uid"].split()[0]) == uid and not status["State"].strip().startswith("Z"):
            found.append(pid)
    return found


def test_service_refuses_with_the_kernel_setting_that_forbids_user_namespaces(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a user sees on a kernel without unprivileged user namespaces (the setting is faked: it is global)."""
    from typer.testing import CliRunner

    from nskit.cli.app import app
    from nskit.sandbox import server

    monkeypatch.setattr(server, "is_rootless", lambda: True)
    monkeypatch.setattr(server, "user_namespace_problem", lambda: "user.max_user_namespaces is 0")
    result = CliRunner().invoke(app, ["sandbox", "--port", "0"])
    assert result.exit_code == 2, result.output
    assert "this kernel forbids them: user.max_user_namespaces is 0" in result.output
    assert "Traceback" not in result.output


def test_user_namespace_problem_reads_the_kernel_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from nskit.sandbox import bwrap

    real_open = open
    fake = {"/proc/sys/user/max_user_namespaces": "0\n"}

    def fake_open(path, *args, **kwargs):
        if str(path) in fake:
            target = tmp_path / "setting"
            target.write_text(fake[str(path)])
            return real_open(target, *args, **kwargs)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    assert bwrap.user_namespace_problem() == "user.max_user_namespaces is 0"
    fake["/proc/sys/user/max_user_namespaces"] = "1000\n"
    assert bwrap.user_namespace_problem() in (None, "kernel.unprivileged_userns_clone is 0 (Debian kernels)",
                                              "kernel.apparmor_restrict_unprivileged_userns is 1 (Ubuntu 23.10 and later)")

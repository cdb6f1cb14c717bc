"""Escape and abuse: each test asserts containment AND that the service serves again (time printed)."""

from __future__ import annotations

import os
import socket
import textwrap
import time
import uuid
from pathlib import Path

import pytest
from sandbox_service import SERVICE_ARGS, Service

pytestmark = pytest.mark.sandbox
OUTPUT_LIMIT = int(SERVICE_ARGS[SERVICE_ARGS.index("--output-limit-bytes") + 1])


def test_cannot_connect_to_host_loopback_listener(service: Service) -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        code = textwrap.dedent(f"""
            import socket
            for family, addr in ((socket.AF_INET, ("127.0.0.1", {port})), (socket.AF_INET6, ("::1", {port}))):
                s = socket.socket(family, socket.SOCK_STREAM)
                s.settimeout(2)
                try:
                    s.connect(addr)
                    print("CONNECTED", addr)
                except OSError as exc:
                    print("blocked", type(exc).__name__)
            print(sorted(name for _, name in socket.if_nameindex()))
        """)
        result = service.run(code)
        assert result.status == "ok", result
        assert "CONNECTED" not in result.stdout
        assert result.stdout.count("blocked") == 2
        assert result.stdout.strip().endswith("['lo']")  # its own empty network namespace
        with pytest.raises(TimeoutError):
            listener.accept()  # nothing ever reached the host's listener
    finally:
        listener.close()
    service.recover("connect to 127.0.0.1 listener")


def test_cannot_write_outside_private_tmp(service: Service, tmp_path: Path) -> None:
    name = f"escape-{uuid.uuid4().hex}"
    targets = ["/", "/usr", "/opt/nskit", str(tmp_path), os.path.dirname(os.__file__), "/work", "/root"]
    code = textwrap.dedent(f"""
        import os
        for d in {targets!r}:
            try:
                with open(os.path.join(d, {name!r}), "w") as f:
                    f.write("x")
                print("WROTE", d)
            except OSError as exc:
                print("denied", d, exc.errno)
        with open("/tmp/{name}", "w") as f:
            f.write("private")
        print("tmp ok", open("/tmp/{name}").read())
    """)
    result = service.run(code)
    assert result.status == "ok", result
    assert "WROTE" not in result.stdout
    assert result.stdout.count("denied") == len(targets)
    assert "tmp ok private" in result.stdout
    for target in targets + ["/tmp"]:
        assert not os.path.exists(os.path.join(target, name)), f"{target}/{name} appeared on the host"
    # The private /tmp does not survive the snippet either.
    again = service.run(f"import os; print(os.path.exists('/tmp/{name}'))")
    assert again.stdout == "False\n"
    service.recover("write outside tmpfs")


def test_cannot_read_home_secrets_or_parent_environment(service: Service) -> None:
    token = service.secret_env["NSKIT_TEST_SECRET_TOKEN"]
    key_path = service.home / ".ssh" / "id_ed25519"
    code = textwrap.dedent(f"""
        import glob, os
        print("ENV", dict(os.environ))
        for path in [os.path.expanduser("~/.ssh/id_ed25519"), {str(key_path)!r}, "/root/.ssh/id_rsa",
                     "/proc/1/environ", "/proc/self/environ", *glob.glob("/proc/*/environ")]:
            try:
                with open(path, "rb") as f:
                    print("READ", path, f.read())
            except OSError as exc:
                print("denied", path, exc.errno)
        print("home listing", os.listdir(os.path.expanduser("~")))
    """)
    result = service.run(code)
    assert result.status == "ok", result
    everything = result.stdout + result.stderr
    assert token not in everything
    assert service.key_text not in everything
    assert str(service.home) not in result.stdout.split("ENV", 1)[1].split("\n", 1)[0]
    assert "NSKIT_TEST_SECRET_TOKEN" not in everything
    assert f"denied {key_path}" in result.stdout
    # The secrets really are in the service's own environment: the test is not vacuous.
    assert token in Path(f"/proc/{service.pid}/environ").read_bytes().decode(errors="replace")
    service.recover("read ~/.ssh and secret env")


def test_fork_bomb_is_contained(service: Service) -> None:
    code = textwrap.dedent("""
        import os
        while True:
            try:
                os.fork()
            except OSError:
                pass
    """)
    started = time.monotonic()
    result = service.run(code, timeout=3)
    assert result.status in ("timeout", "killed"), result
    assert time.monotonic() - started < 15
    assert service.wait_no_leftovers() == [], "fork bomb processes outlived the snippet"
    service.recover("fork bomb")


def test_process_limit_stops_forks(service: Service) -> None:
    code = textwrap.dedent("""
        import os, time
        children = 0
        try:
            for _ in range(500):
                if os.fork() == 0:
                    time.sleep(30)
                    os._exit(0)
                children += 1
        except OSError as exc:
            print("stopped at", children, type(exc).__name__)
    """)
    result = service.run(code, timeout=10)
    assert result.status == "ok", result
    stopped_at = int(result.stdout.split()[2])
    assert stopped_at < 40, result.stdout  # --max-processes 32 in SERVICE_ARGS
    assert service.wait_no_leftovers() == []
    service.recover("fork 500 sleepers")


@pytest.mark.parametrize(
    "code",
    ["x = bytearray(10 * 1024**3)", "import numpy as np\nx = np.ones(10 * 1024**3 // 8)"],
    ids=["bytearray", "numpy"],
)
def test_ten_gigabytes_is_refused(service: Service, code: str) -> None:
    result = service.run(code)
    assert result.status == "memory", result
    assert "MemoryError" in result.stderr
    service.recover("allocate 10 GB")


def test_infinite_loop_hits_the_time_limit(service: Service) -> None:
    started = time.monotonic()
    result = service.run("while True:\n    pass", timeout=2)
    elapsed = time.monotonic() - started
    assert result.status == "timeout", result
    assert 1.5 < result.wall_time < 5 and elapsed < 8
    service.recover("infinite loop")


def test_print_100_megabytes_is_cut(service: Service) -> None:
    started = time.monotonic()
    result = service.run("import sys\nfor _ in range(100):\n    sys.stdout.write('x' * 1_000_000)")
    assert result.status == "output_limit", result
    assert len(result.stdout) + len(result.stderr) <= OUTPUT_LIMIT
    assert time.monotonic() - started < 5
    service.recover("print 100 MB")


def test_cannot_kill_the_service(service: Service) -> None:
    code = textwrap.dedent(f"""
        import os, signal
        for target in ({service.pid}, os.getppid(), 1, -1):
            try:
                os.kill(target, signal.SIGKILL)
                print("sent", target)
            except OSError as exc:
                print("refused", target, type(exc).__name__)
    """)
    result = service.run(code)
    # kill(-1) may take the snippet down with everything else of its own uid: either outcome is contained.
    assert result.status in ("ok", "killed", "sandbox_error"), result
    assert service.alive()
    assert Path(f"/proc/{service.pid}").exists()
    service.recover("os.kill of the service")


@pytest.mark.parametrize(
    "code",
    [
        (
            "import signal, time\nfor s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU):\n"
            "    signal.signal(s, signal.SIG_IGN)\ntime.sleep(10**6)"
        ),
        "import threading\nlock = threading.Lock()\nlock.acquire()\nlock.acquire()",
    ],
    ids=["ignore-signals-and-sleep", "deadlock-in-c"],
)
def test_snippet_that_never_returns_is_killed(service: Service, code: str) -> None:
    started = time.monotonic()
    result = service.run(code, timeout=2)
    assert result.status == "timeout", result
    assert time.monotonic() - started < 8
    assert service.wait_no_leftovers() == []
    service.recover("never returns control")


def test_detached_background_process_dies_with_the_snippet(service: Service) -> None:
    code = textwrap.dedent("""
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(60)
            os._exit(0)
        print("parent done")
    """)
    result = service.run(code)
    assert result.status == "ok" and result.stdout == "parent done\n", result
    assert service.wait_no_leftovers() == [], "a daemonised child outlived its sandbox"
    service.recover("detached background process")

"""Pure pieces of the sandbox: config validation, the bwrap command line, results, tracebacks, the uid pool."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from nskit.sandbox import (
    ExecutionResult,
    SandboxConfig,
    SandboxUnavailable,
    bwrap,
    trim_traceback,
)
from nskit.sandbox.executor import UidPool, pick_uid_base, uids_in_use
from nskit.sandbox.runner import compile_snippet
from nskit.sandbox.server import parse_execute_body


@pytest.fixture
def fake_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bwrap.shutil, "which", lambda name: f"/usr/bin/{name}")


def test_command_line_contains_the_promised_isolation(fake_tools: None) -> None:
    argv = bwrap.build_command(SandboxConfig(memory_mb=512, max_processes=16), uid=3_000_123, cpu_hard_seconds=7)
    joined = " ".join(argv)
    for flag in ("--die-with-parent", "--unshare-net", "--unshare-pid", "--clearenv", "--new-session",
                 "--remount-ro /", "--tmpfs /tmp", "--no-new-privs", "--reuid=3000123", "--bounding-set=-all"):
        assert flag in joined, flag
    binds = [(argv[i + 1], argv[i + 2]) for i, arg in enumerate(argv) if arg in ("--bind", "--ro-bind")]
    assert ("/", "/") not in binds
    assert "--bind" not in argv  # nothing of the host is writable
    assert all(not src.startswith(os.path.expanduser("~/.ssh")) for src, _ in binds)
    limits = json.loads(argv[-1])["limits"]
    assert limits["as"] == 512 * 1024 * 1024 and limits["nproc"] == 16 and limits["cpu"] == 7
    # Every environment variable is set explicitly after --clearenv, and nothing of ours leaks in.
    env = {argv[i + 1]: argv[i + 2] for i, arg in enumerate(argv) if arg == "--setenv"}
    assert env == bwrap.SANDBOX_ENV
    assert argv.index("--clearenv") < argv.index("--setenv")


def test_interpreter_binds_cover_venv_and_base_install() -> None:
    binds = bwrap.interpreter_binds(sys.executable)
    assert os.path.realpath(sys.base_prefix) in binds
    assert any(os.path.realpath(sys.prefix) == os.path.realpath(b) for b in binds)
    assert all(b != "/usr" and not b.startswith("/usr/") for b in binds)


def test_parent_directories_are_made_traversable() -> None:
    args = bwrap._readable_dirs(["/a/b/c", "/a/b/d"])
    assert args == ["--perms", "0755", "--dir", "/a", "--perms", "0755", "--dir", "/a/b"]


def test_missing_bwrap_raises_with_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bwrap.shutil, "which", lambda name: None)
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        bwrap.find_tools()


@pytest.mark.parametrize(
    "kwargs", [{"workers": 0}, {"memory_mb": -1}, {"default_timeout": 200.0}, {"traceback_lines": 0}, {"uid_base": 5}]
)
def test_config_rejects_nonsense(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="sandbox config"):
        SandboxConfig(**kwargs)  # type: ignore[arg-type]


def test_timeout_for_request() -> None:
    config = SandboxConfig(default_timeout=5, max_timeout=20)
    assert config.timeout_for(None) == 5 and config.timeout_for(7) == 7.0
    for bad in (0, -1, 21):
        with pytest.raises(ValueError, match="timeout must be in"):
            config.timeout_for(bad)


def test_trim_traceback_keeps_the_end() -> None:
    text = "Traceback (most recent call last):\n  File x\n    y()\n  File z\n    1/0\nZeroDivisionError: division by zero\n"
    assert trim_traceback(text, 2) == "    1/0\nZeroDivisionError: division by zero\n"
    assert trim_traceback(text, 10) == text


def test_result_json_round_trip_and_validation() -> None:
    result = ExecutionResult("timeout", "a", "b", 1.5, error="wall", session_reset=True)
    assert ExecutionResult.from_json(json.loads(json.dumps(result.to_json()))) == result
    with pytest.raises(ValueError, match="unknown status"):
        ExecutionResult.from_json({**result.to_json(), "status": "fine"})
    with pytest.raises(ValueError, match="missing fields"):
        ExecutionResult.from_json({"status": "ok"})


def test_parse_execute_body() -> None:
    assert parse_execute_body({"code": "1", "timeout": 3}) == ("1", None, 3.0)
    assert parse_execute_body({"code": "1", "session_id": "s"}) == ("1", "s", None)
    with pytest.raises(TypeError, match="JSON object"):
        parse_execute_body([])
    for bad, fragment in [({"code": "1", "session_id": ""}, "session_id"), ({"code": "1", "x": 1}, "unknown fields")]:
        with pytest.raises(ValueError, match=fragment):
            parse_execute_body(bad)


def test_compile_snippet_splits_the_trailing_expression() -> None:
    body, last = compile_snippet("x = 1\nx + 1", "<t>")
    namespace: dict[str, object] = {}
    exec(body, namespace)  # noqa: S102
    assert last is not None and eval(last, namespace) == 2
    assert compile_snippet("x = 1", "<t>")[1] is None


def test_uid_pool_reuses_freed_uids_last() -> None:
    pool = UidPool(100, 3)
    first = pool.acquire()
    pool.release(first)
    assert [pool.acquire() for _ in range(3)] == [101, 102, 100]
    with pytest.raises(RuntimeError, match="exhausted"):
        pool.acquire()


def test_picked_uid_block_is_unused() -> None:
    base = pick_uid_base(100)
    assert base >= 3_000_000
    assert not any(base <= uid < base + 100 for uid in uids_in_use())


def test_rootless_command_line_uses_a_user_namespace_and_no_setpriv(
    fake_tools: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bwrap, "is_rootless", lambda: True)
    argv = bwrap.build_command(SandboxConfig(), uid=3_000_123, cpu_hard_seconds=7)
    assert "--unshare-user" in argv and "--disable-userns" in argv
    assert not any("setpriv" in arg or arg.startswith("--reuid") for arg in argv)
    assert argv[argv.index("--chdir") + 2:argv.index("--chdir") + 4] == [SandboxConfig().python, "-S"]


def test_runner_gets_the_site_setup_of_its_interpreter(fake_tools: None) -> None:
    config = json.loads(bwrap.build_command(SandboxConfig(), uid=3_000_123, cpu_hard_seconds=7)[-1])
    assert config["prefix"] == sys.prefix and any(path.endswith("site-packages") for path in config["site_paths"])


def test_cgroups_of_services_that_are_gone_are_removed(tmp_path: Path) -> None:
    from nskit.sandbox.cgroup import _remove_stale

    dead = tmp_path / "nskit-sandbox-999999999"
    (dead / "uid-3000000").mkdir(parents=True)
    alive = tmp_path / f"nskit-sandbox-{os.getpid()}"
    alive.mkdir()
    _remove_stale(tmp_path)
    assert not dead.exists() and alive.is_dir()

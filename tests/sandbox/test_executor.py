"""The executor in-process: session eviction and idle expiry tell the next snippet that its state is gone."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from sandbox_service import require_bwrap

from nskit.sandbox import SandboxConfig
from nskit.sandbox.bwrap import WORKDIR
from nskit.sandbox.executor import Executor

pytestmark = pytest.mark.sandbox


def test_evicted_and_expired_sessions_report_a_reset() -> None:
    require_bwrap()

    async def scenario() -> None:
        executor = Executor(SandboxConfig(workers=2, max_sessions=2, session_idle_seconds=0.2))
        try:
            for sid in ("a", "b"):
                assert (await executor.execute(f"name = {sid!r}", session_id=sid)).ok
            assert (await executor.execute("name = 'c'", session_id="c")).ok  # evicts "a", the oldest
            assert executor.stats()["sessions"] == 2
            evicted = await executor.execute("print(name)", session_id="a")
            assert evicted.session_reset and "NameError" in evicted.error
            kept = await executor.execute("print(name)", session_id="c")
            assert kept.stdout == "c\n" and not kept.session_reset
            await asyncio.sleep(0.3)
            assert await executor.close_idle_sessions() == 2
            expired = await executor.execute("print(name)", session_id="c")
            assert expired.session_reset and "NameError" in expired.error
        finally:
            await executor.shutdown()
        assert executor.stats()["live_sandboxes"] == 0
        with pytest.raises(RuntimeError, match="shutting down"):
            await executor.execute("print(1)")

    asyncio.run(scenario())


def test_an_interpreter_under_the_sandbox_tmp_stays_visible(tmp_path: Path) -> None:
    """A clone (and so its venv) in /tmp: the sandbox's private /tmp must not hide the interpreter."""
    require_bwrap()
    venv = tmp_path / "venv"
    assert str(venv).startswith(WORKDIR + "/"), "pytest's tmp_path should lie under the sandbox's /tmp"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)

    async def scenario() -> None:
        executor = Executor(SandboxConfig(workers=1, python=str(venv / "bin" / "python")))
        try:
            result = await executor.execute(
                "import sys, os\n"
                "open('/tmp/scratch', 'w').write('x')\n"
                "try:\n    open(os.path.join(sys.prefix, 'planted'), 'w')\nexcept OSError as e:\n    print('refused', e.errno)\n"
                "print(sys.prefix, 'scratch' in os.listdir('/tmp'))"
            )
        finally:
            await executor.shutdown()
        assert result.ok, result
        assert result.stdout.splitlines() == ["refused 30", f"{venv} True"]  # EROFS: the venv is bound read-only
        assert not (venv / "planted").exists()

    asyncio.run(scenario())

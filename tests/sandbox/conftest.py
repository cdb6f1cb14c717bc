"""Fixtures for the sandbox tests: one service (a real child process) with a fake secret-laden HOME."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator

import pytest
from sandbox_service import RECOVERY_TIMES, SERVICE_ARGS, Service, health, require_bwrap

from nskit.sandbox import SandboxProcess


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One sandbox service for the session, started with a fake HOME holding an SSH key and a secret env var."""
    require_bwrap()
    home = tmp_path_factory.mktemp("home")
    key_text = f"-----BEGIN OPENSSH PRIVATE KEY----- {secrets.token_hex(24)}"
    (home / ".ssh").mkdir(mode=0o700)
    (home / ".ssh" / "id_ed25519").write_text(key_text)
    secret_env = {"HOME": str(home), "NSKIT_TEST_SECRET_TOKEN": secrets.token_hex(24)}
    log = tmp_path_factory.mktemp("sandbox-log") / "service.log"
    with SandboxProcess(args=SERVICE_ARGS, env=secret_env, log_path=str(log)) as process:
        svc = Service(process.base_url, process.pid, home, key_text, secret_env)
        low, high = asyncio.run(health(svc.base_url))["uid_range"]  # type: ignore[misc]
        svc.uid_range = (int(low), int(high))
        yield svc


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Show how long the service took to serve again after each abuse test."""
    if RECOVERY_TIMES:
        terminalreporter.section("sandbox: time to recover after each abuse")
        for label, seconds in RECOVERY_TIMES:
            terminalreporter.write_line(f"{label:<40} {seconds * 1000:8.0f} ms")

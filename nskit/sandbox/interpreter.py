"""One sandboxed interpreter process: start it, run snippets in it one at a time, kill its whole sandbox."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import time
from dataclasses import dataclass, field

from nskit.sandbox.bwrap import build_command, cpu_seconds_for
from nskit.sandbox.config import SandboxConfig
from nskit.sandbox.result import ExecutionResult, Status, trim_traceback

READ_CHUNK = 1 << 16
MAX_RESPONSE_LINE = 1 << 20


class _OutputLimit(Exception):
    """The snippet wrote more than the output limit."""


class _Died(Exception):
    """The interpreter's stream closed before its end-of-snippet marker: the process is gone."""


@dataclass
class _Capture:
    """Bytes read so far from stdout and stderr for the current snippet, and the shared byte budget."""

    budget: int
    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    response: bytes = b""

    def used(self) -> int:
        """Bytes of output captured so far (stdout and stderr)."""
        return len(self.stdout) + len(self.stderr)


async def _read_until_marker(stream: asyncio.StreamReader, buf: bytearray, marker: bytes, cap: _Capture) -> bytes:
    """Append ``stream`` to ``buf`` until ``marker``; cut the marker off and return whatever followed it."""
    while True:
        chunk = await stream.read(READ_CHUNK)
        if not chunk:
            raise _Died()
        start = max(0, len(buf) - len(marker) + 1)
        buf += chunk
        at = buf.find(marker, start)
        if at >= 0:
            rest = bytes(buf[at + len(marker):])
            del buf[at:]
            return rest
        if cap.used() > cap.budget:
            raise _OutputLimit()


async def _read_stdout(stream: asyncio.StreamReader, marker: bytes, cap: _Capture) -> None:
    rest = await _read_until_marker(stream, cap.stdout, marker, cap)
    while b"\n" not in rest:
        chunk = await stream.read(READ_CHUNK)
        if not chunk:
            raise _Died()
        rest += chunk
        if len(rest) > MAX_RESPONSE_LINE:
            raise _Died()
    cap.response = rest.split(b"\n", 1)[0]


async def _read_stderr(stream: asyncio.StreamReader, marker: bytes, cap: _Capture) -> None:
    await _read_until_marker(stream, cap.stderr, marker, cap)


async def _drain(stream: asyncio.StreamReader | None) -> None:
    """Read and drop everything left in ``stream``."""
    while stream is not None and await stream.read(READ_CHUNK):
        pass


class SandboxedInterpreter:
    """A runner process inside bubblewrap, running as ``uid``. Not safe for concurrent ``run`` calls."""

    def __init__(self, config: SandboxConfig, uid: int, cpu_hard_seconds: int) -> None:
        self.config = config
        self.uid = uid
        self._cpu_hard = cpu_hard_seconds
        self._proc: asyncio.subprocess.Process | None = None
        self.snippets_run = 0

    @property
    def pid(self) -> int:
        """The pid of bwrap (the root of the sandbox's processes); only after ``start``."""
        if self._proc is None:
            raise RuntimeError("SandboxedInterpreter.pid before start()")
        return self._proc.pid

    @property
    def alive(self) -> bool:
        """Started and not yet exited."""
        return self._proc is not None and self._proc.returncode is None

    async def start(self) -> None:
        """Spawn bwrap in its own process group (so a kill reaches every process it started)."""
        argv = build_command(self.config, self.uid, self._cpu_hard)
        self._proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            limit=READ_CHUNK,
        )

    async def kill(self) -> None:
        """SIGKILL the process group and reap it. bwrap's --die-with-parent and pid namespace take the rest."""
        proc = self._proc
        if proc is None or proc.returncode is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # exited between the returncode check and the kill: nothing left to kill
        # asyncio reports the exit only once the pipes hit EOF, and a full reader stops reading: drain them.
        await asyncio.gather(proc.wait(), _drain(proc.stdout), _drain(proc.stderr))

    async def run(self, code: str, timeout: float) -> ExecutionResult:
        """Execute ``code``; on timeout, output overflow or death the interpreter is killed (state is lost)."""
        proc = self._proc
        if proc is None or proc.stdin is None or proc.stdout is None or proc.stderr is None:
            raise RuntimeError("SandboxedInterpreter.run before start()")
        started = time.monotonic()
        marker = secrets.token_hex(16)
        request = {"code": code, "marker": marker, "cpu_seconds": cpu_seconds_for(timeout)}
        cap = _Capture(budget=self.config.output_limit_bytes)
        self.snippets_run += 1
        status: Status
        error = ""
        try:
            proc.stdin.write(json.dumps(request).encode() + b"\n")
            await proc.stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            status, error = await self._death_status()
            return self._result(status, cap, started, error)
        failure = await self._collect(proc.stdout, proc.stderr, marker.encode(), cap, timeout)
        if failure is None:
            return self._finish(cap, started)
        if isinstance(failure, _OutputLimit):
            await self.kill()
            status, error = "output_limit", self._output_limit_error()
        elif isinstance(failure, TimeoutError):
            await self.kill()
            status, error = "timeout", f"wall time limit of {timeout:g} s exceeded"
        elif isinstance(failure, _Died):
            status, error = await self._death_status()
        else:
            await self.kill()
            raise failure
        return self._result(status, cap, started, error)

    @staticmethod
    async def _collect(
        stdout: asyncio.StreamReader, stderr: asyncio.StreamReader, marker: bytes, cap: _Capture, timeout: float
    ) -> BaseException | None:
        """Read both streams up to the marker; return what stopped them (None when both reached it)."""
        tasks = [
            asyncio.create_task(_read_stdout(stdout, marker, cap)),
            asyncio.create_task(_read_stderr(stderr, marker, cap)),
        ]
        done, pending = await asyncio.wait(tasks, timeout=timeout, return_when=asyncio.FIRST_EXCEPTION)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            if task.exception() is not None:
                return task.exception()
        return TimeoutError() if pending else None

    async def _death_status(self) -> tuple[Status, str]:
        """Why the interpreter died, from bwrap's exit code (128 + signal for a signal death)."""
        assert self._proc is not None
        await self.kill()  # its streams closed; make sure nothing of the sandbox lingers
        code = await self._proc.wait()
        if code == 128 + signal.SIGXCPU or code == -signal.SIGXCPU:
            return "timeout", "CPU time limit exceeded"
        if code > 128:
            name = signal.Signals(code - 128).name if code - 128 in signal.valid_signals() else str(code - 128)
            return "killed", f"interpreter killed by signal {name}"
        if code < 0:
            return "killed", f"sandbox killed by signal {signal.Signals(-code).name}"
        return "sandbox_error", f"sandbox exited with code {code} before the snippet finished"

    def _output_limit_error(self) -> str:
        return f"output exceeded {self.config.output_limit_bytes} bytes"

    def _finish(self, cap: _Capture, started: float) -> ExecutionResult:
        """Turn the runner's response line into a result."""
        if cap.used() > self.config.output_limit_bytes:  # the marker came in the chunk that broke the limit
            return self._result("output_limit", cap, started, self._output_limit_error())
        outcome = json.loads(cap.response)
        status: Status = outcome["status"]
        stderr = cap.stderr.decode("utf-8", "replace")
        if outcome.get("traceback"):
            stderr += trim_traceback(outcome["traceback"], self.config.traceback_lines)
        return ExecutionResult(
            status=status,
            stdout=cap.stdout.decode("utf-8", "replace"),
            stderr=stderr,
            wall_time=time.monotonic() - started,
            error=outcome.get("error", ""),
        )

    def _result(self, status: Status, cap: _Capture, started: float, error: str) -> ExecutionResult:
        """A result for a snippet that did not finish normally: partial output, cut to the output limit."""
        limit = self.config.output_limit_bytes
        stdout = bytes(cap.stdout[:limit])
        stderr = bytes(cap.stderr[: max(0, limit - len(stdout))])
        return ExecutionResult(
            status=status,
            stdout=stdout.decode("utf-8", "replace"),
            stderr=stderr.decode("utf-8", "replace"),
            wall_time=time.monotonic() - started,
            error=error,
        )

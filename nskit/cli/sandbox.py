"""`ns sandbox` (alias `ns start_sandbox`): run the code-execution sandbox service in the foreground."""

from __future__ import annotations

from typing import Annotated

import typer


def _serve(
    host: Annotated[str, typer.Option("--host", help="address to bind; keep 127.0.0.1 unless clients are remote")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", help="port; 0 picks a free one (printed on the ready line)")] = 6000,
    workers: Annotated[int | None, typer.Option("--workers", help="snippets run at once (default 2 x cores)")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="default wall/CPU seconds per snippet")] = 10.0,
    max_timeout: Annotated[float, typer.Option("--max_timeout", help="largest timeout a request may ask")] = 120.0,
    memory_mb: Annotated[int, typer.Option("--memory_mb", help="address-space limit per process")] = 2048,
    max_processes: Annotated[int, typer.Option("--max_processes", help="processes + threads per sandbox")] = 64,
    output_limit_bytes: Annotated[int, typer.Option("--output_limit_bytes", help="stdout+stderr per snippet")] = (
        1024 * 1024
    ),
    tmpfs_mb: Annotated[int, typer.Option("--tmpfs_mb", help="size of the private /tmp working directory")] = 64,
    traceback_lines: Annotated[int, typer.Option("--traceback_lines", help="traceback lines kept in stderr")] = 4,
    max_sessions: Annotated[int, typer.Option("--max_sessions", help="live stateful sessions")] = 64,
    session_idle_seconds: Annotated[
        float, typer.Option("--session_idle_seconds", help="close a session unused this long")
    ] = 600.0,
) -> None:
    """Serve POST /execute on HOST:PORT; every snippet runs under bubblewrap (never without it)."""
    import asyncio

    from nskit.sandbox.bwrap import SandboxUnavailable
    from nskit.sandbox.config import SandboxConfig
    from nskit.sandbox.server import serve

    settings: dict[str, float] = {
        "default_timeout": timeout, "max_timeout": max_timeout, "memory_mb": memory_mb,
        "max_processes": max_processes, "output_limit_bytes": output_limit_bytes, "tmpfs_mb": tmpfs_mb,
        "traceback_lines": traceback_lines, "max_sessions": max_sessions, "session_idle_seconds": session_idle_seconds,
    }
    try:
        config = SandboxConfig(**settings, **({} if workers is None else {"workers": workers}))  # type: ignore[arg-type]
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    try:
        asyncio.run(serve(config, host=host, port=port))
    except SandboxUnavailable as exc:
        typer.echo(f"ns sandbox: error: {exc}", err=True)
        raise typer.Exit(2) from None


def register(app: typer.Typer) -> None:
    """Add `sandbox` and its NeMo-Skills-style alias `start_sandbox` to `app`."""
    app.command("sandbox")(_serve)
    app.command("start_sandbox", hidden=True)(_serve)

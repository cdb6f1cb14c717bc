"""`ns sandbox` (alias `ns start_sandbox`): run the code-execution sandbox service in the foreground.

Its options are generated from `SandboxConfig`, one per field (`--memory_mb`; the dashed spelling `--memory-mb`
and the short `--timeout` for `--default_timeout` are accepted too), so the service has one CLI.
"""

from __future__ import annotations

import inspect
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Annotated, Any

import typer

ALIASES = {"default_timeout": ["--timeout"], "extra_ro_binds": ["--ro-bind", "--ro_bind"]}


def _serve(host: str, port: int, **settings: Any) -> None:
    """Serve POST /execute on HOST:PORT; every snippet runs under bubblewrap (never without it)."""
    import asyncio

    from nskit.sandbox.bwrap import SandboxUnavailable
    from nskit.sandbox.config import SandboxConfig
    from nskit.sandbox.server import serve

    given = {k: (tuple(v) if k == "extra_ro_binds" else v) for k, v in settings.items() if v is not None}
    try:
        config = SandboxConfig(**given)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    try:
        asyncio.run(serve(config, host=host, port=port))
    except SandboxUnavailable as exc:
        typer.echo(f"ns sandbox: error: {exc}", err=True)
        raise typer.Exit(2) from None


def _options() -> list[inspect.Parameter]:
    """One typed option per SandboxConfig field (None: the config's default), plus --host and --port."""
    from nskit.sandbox.config import SandboxConfig

    keyword = inspect.Parameter.KEYWORD_ONLY
    params = [
        inspect.Parameter("host", keyword, default="127.0.0.1", annotation=Annotated[
            str, typer.Option("--host", help="address to bind; keep 127.0.0.1 unless clients are remote")]),
        inspect.Parameter("port", keyword, default=6000, annotation=Annotated[
            int, typer.Option("--port", help="port; 0 picks a free one (printed on the ready line)")]),
    ]
    defaults, docs = SandboxConfig(), _field_docs()
    for f in fields(SandboxConfig):
        names = [f"--{f.name}", *([f"--{f.name.replace('_', '-')}"] if "_" in f.name else []), *ALIASES.get(f.name, [])]
        default = getattr(defaults, f.name) if f.default_factory is MISSING else "none"
        kind: Any = list[str] if f.name == "extra_ro_binds" else (int if f.name == "uid_base" else type(default))
        help_text = f"{docs.get(f.name, '')} (default {default})".strip()
        params.append(inspect.Parameter(f.name, keyword, default=None,
                                        annotation=Annotated[kind | None, typer.Option(*names, help=help_text)]))
    return params


def _field_docs() -> dict[str, str]:
    """The docstring under each SandboxConfig field (the first sentence), read from the module's source once."""
    import re

    from nskit.sandbox import config

    source = Path(config.__file__).read_text(encoding="utf-8")
    return {m.group(1): m.group(2).split(". ")[0].strip().rstrip(".") + "."
            for m in re.finditer(r'^    (\w+): [^\n]*\n    """(.*?)"""', source, re.MULTILINE | re.DOTALL)}


def register(app: typer.Typer) -> None:
    """Add `sandbox` and its NeMo-Skills-style alias `start_sandbox` to `app`."""

    def serve_command(**kwargs: Any) -> None:
        _serve(**kwargs)

    serve_command.__signature__ = inspect.Signature(_options())  # type: ignore[attr-defined]
    serve_command.__doc__ = _serve.__doc__
    app.command("sandbox")(serve_command)
    app.command("start_sandbox", hidden=True)(serve_command)

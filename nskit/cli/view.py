"""`ns view`: browse an output dir (problems, generations, answers, verdicts across seeds) in a local web page."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nskit.cli.options import ResultsDir

if TYPE_CHECKING:
    from nskit.view import Site


def register(app: typer.Typer) -> None:
    """Add the `view` command to `app`."""

    @app.command("view")
    def view(
        output_dir: ResultsDir,
        port: Annotated[int, typer.Option("--port", help="port to serve on (0: any free port)")] = 7575,
        host: Annotated[
            str, typer.Option("--host", help="address to bind; the default serves this machine only")
        ] = "127.0.0.1",
        compare: Annotated[
            Path | None, typer.Option("--compare", help="a second output dir: its benchmarks side by side")
        ] = None,
        export: Annotated[
            Path | None, typer.Option("--export", help="write the pages as static files to this dir instead of serving")
        ] = None,
    ) -> None:
        """Serve a read-only results browser on http://HOST:PORT (or --export it as static files).

        Overview (the summarize_results tables), problem lists with one cell per output file, problem pages with
        every generation, and --compare for two runs. Nothing is written into the output dirs.
        """
        import threading

        from nskit.cli.errors import user_errors
        from nskit.errors import UserError
        from nskit.view import Site, export_site, make_server

        with user_errors():
            site = Site(output_dir, compare)
            if export is not None:
                count = export_site(site, export)
                typer.echo(f"exported {count} page data file(s) to {export}; open {export / 'index.html'}")
                return
            try:
                server = make_server(site, host, port)
            except OSError as exc:
                raise UserError(f"cannot serve on {host}:{port}: {exc.strerror} (choose another --port)") from None
        threading.Thread(target=_warm, args=(site,), daemon=True).start()
        bound_host, bound_port = server.server_address[:2]
        typer.echo(f"ns view: serving {output_dir} on http://{bound_host}:{bound_port}/  (Ctrl-C to stop)", err=False)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


def _warm(site: Site) -> None:
    """Index every benchmark in the background so that the first page finds them ready."""
    import logging

    from nskit.errors import UserError

    for number, run in enumerate(site.runs):
        for benchmark in range(len(run.names)):
            try:
                site.fresh_index(number, benchmark)
            except (UserError, OSError) as exc:  # the page reports it too, when it asks for this benchmark
                logging.getLogger(__name__).warning("ns view: %s", exc)

"""`ns view`'s local web server: the packaged page under /, data scripts under /data/. Read-only; 127.0.0.1 by
default."""

from __future__ import annotations

import logging
import mimetypes
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from nskit.errors import UserError
from nskit.view.assets import data_script, failure_script, static_file
from nskit.view.site import NotFound, Site

log = logging.getLogger(__name__)

_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".woff2": "font/woff2"}


class _Handler(BaseHTTPRequestHandler):
    site: Site
    server_version = "nskit-view"

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        """Serve the page, its assets and the per-benchmark data files; nothing outside them."""
        path = unquote(urlsplit(self.path).path).lstrip("/")
        if path.startswith("data/") and path.endswith(".js"):
            self._data(path[len("data/") : -len(".js")])
            return
        file = static_file(path or "index.html")
        if file is None:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")
            return
        kind = _TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        self._send(HTTPStatus.OK, file.read_bytes(), kind, cache=True)

    def _data(self, path: str) -> None:
        # A failure goes to the page as a script too: a script answered with an HTTP error status is not run,
        # and the page would only know that something failed, not what.
        try:
            body = data_script(path, self.site.payload(path))
        except NotFound as exc:
            body = failure_script(path, str(exc.args[0] if exc.args else exc))
        except (UserError, OSError) as exc:  # a bad output file: its name and line, on the page
            log.error("ns view: %s: %s", path, exc)
            body = failure_script(path, str(exc))
        self._send(HTTPStatus.OK, body, "text/javascript")

    def _send(self, status: HTTPStatus, body: bytes, kind: str, cache: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8" if kind.startswith("text/") else kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600" if cache else "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        """Request lines go to the debug log, not stderr."""
        log.debug("ns view: " + format, *args)


def make_server(site: Site, host: str = "127.0.0.1", port: int = 7575) -> ThreadingHTTPServer:
    """A server for `site` bound to host:port (port 0: any free port); call serve_forever() on it."""
    handler = type("Handler", (_Handler,), {"site": site})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server

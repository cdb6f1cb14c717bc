"""Fetching pinned sources: mirror layout, digests, HTTP download with retries (against a local server only)."""

from __future__ import annotations

import hashlib
import http.server
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from nskit.datasets import (
    ChecksumError,
    DownloadError,
    Source,
    fetch,
    mirror_path,
    resolve_mirror,
    verify,
)
from nskit.datasets.download import file_digest

PAYLOAD = b'{"question": "1+1?", "answer": "#### 2"}\n'
SHA = hashlib.sha256(PAYLOAD).hexdigest()


def test_mirror_path_layout(tmp_path: Path) -> None:
    url = "https://raw.githubusercontent.com/openai/grade-school-math/master/grade_school_math/data/test.jsonl"
    assert mirror_path(url, tmp_path) == tmp_path / "raw.githubusercontent.com/openai/grade-school-math/master" / (
        "grade_school_math/data/test.jsonl"
    )
    assert mirror_path("https://example.org/a%20b.json?x=1", tmp_path) == tmp_path / "example.org" / "a b.json"
    with pytest.raises(DownloadError, match="cannot map"):
        mirror_path("https://example.org/../../etc/passwd", tmp_path)


def test_resolve_mirror_prefers_argument_then_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NSKIT_MIRROR", raising=False)
    assert resolve_mirror(None) is None
    monkeypatch.setenv("NSKIT_MIRROR", str(tmp_path))
    assert resolve_mirror(None) == tmp_path
    assert resolve_mirror("/elsewhere") == Path("/elsewhere")


def test_git_blob_digest_matches_git(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    path.write_bytes(PAYLOAD)
    expected = subprocess.run(["git", "hash-object", str(path)], check=True, capture_output=True, text=True)
    assert file_digest(path, "git_blob") == expected.stdout.strip()
    verify(Source("t", "https://h/f", git_blob=expected.stdout.strip()), path)
    with pytest.raises(ChecksumError, match=r"git_blob expected 0{40}"):
        verify(Source("t", "https://h/f", git_blob="0" * 40), path)


def test_source_needs_a_pin() -> None:
    with pytest.raises(ValueError, match="needs a sha256 or git_blob"):
        Source("t", "https://h/f")


class _Server(http.server.BaseHTTPRequestHandler):
    """Serves PAYLOAD at /ok, fails /flaky with 503 until `failures` runs out, 404 elsewhere."""

    failures = 0
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        if self.path == "/flaky" and type(self).failures > 0:
            type(self).failures -= 1
            self.send_error(503)
            return
        if self.path in ("/ok", "/flaky"):
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAYLOAD)))
            self.end_headers()
            self.wfile.write(PAYLOAD)
            return
        self.send_error(404)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    """A local HTTP server on 127.0.0.1; yields its base URL."""
    _Server.failures, _Server.requests = 0, []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_download_and_verify(server: str, tmp_path: Path) -> None:
    path = fetch(Source("test", f"{server}/ok", sha256=SHA), tmp_path, backoff=0)
    assert path.read_bytes() == PAYLOAD and path.parent == tmp_path


def test_download_retries_transient_errors(server: str, tmp_path: Path) -> None:
    _Server.failures = 2
    path = fetch(Source("test", f"{server}/flaky", sha256=SHA), tmp_path, attempts=3, backoff=0)
    assert path.read_bytes() == PAYLOAD
    assert _Server.requests == ["/flaky"] * 3


def test_download_gives_up_after_attempts(server: str, tmp_path: Path) -> None:
    _Server.failures = 5
    with pytest.raises(DownloadError, match=r"failed after 2 attempts: HTTP 503"):
        fetch(Source("test", f"{server}/flaky", sha256=SHA), tmp_path, attempts=2, backoff=0)
    assert list(tmp_path.iterdir()) == []  # no partial file


def test_download_does_not_retry_not_found(server: str, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="HTTP 404"):
        fetch(Source("test", f"{server}/missing", sha256=SHA), tmp_path, attempts=3, backoff=0)
    assert _Server.requests == ["/missing"]


def test_download_checksum_mismatch_names_url_and_both_hashes(server: str, tmp_path: Path) -> None:
    wrong = "ab" * 32
    with pytest.raises(ChecksumError) as caught:
        fetch(Source("test", f"{server}/ok", sha256=wrong), tmp_path, backoff=0)
    assert f"{server}/ok" in str(caught.value) and wrong in str(caught.value) and SHA in str(caught.value)


def test_unreachable_host_is_retried_then_reported(tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="failed after 2 attempts"):
        fetch(Source("test", "http://127.0.0.1:9/x", sha256=SHA), tmp_path, attempts=2, backoff=0, timeout=2)

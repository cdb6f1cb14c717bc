"""What can go wrong talking to a model server, for every transport (the OpenAI SDK client, others to come).

Only the server's or the network's failures are caught and retried: a transport or HTTP failure, or a
`MalformedResponse` (an answer that is not what the API promises). A failure in nskit's own code (building a
request, reading a well-formed response) is none of these: it propagates with its traceback and ends the run.
"""

from __future__ import annotations

RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
"""HTTP statuses worth another try; any other status fails the request at once."""


class MalformedResponse(Exception):
    """The server answered, but not with what the API promises (a cut JSON body, no choices): worth a retry."""

    kind = "bad_response"


class RequestFailed(Exception):
    """A request that failed for good; `kind` says why (bad_request, server_error, connection, timeout, ...)."""

    def __init__(self, kind: str, message: str, attempts: int, transient: bool) -> None:
        super().__init__(f"{kind}: {message} (after {attempts} attempt(s))")
        self.kind = kind
        self.attempts = attempts
        self.transient = transient


class ServerDown(RuntimeError):
    """Too many requests in a row failed for good: the server is clearly down."""


def status_kind(status: int) -> tuple[str, bool]:
    """(kind, retryable) of an HTTP error status."""
    if status == 429:
        return "rate_limit", True
    return f"http_{status}", status in RETRYABLE_STATUS

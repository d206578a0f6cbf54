"""How the service answers a failure: one map from exception to status, headers and message
(:func:`failure`), installed on the app for every router (:func:`install`).

Routers raise; they do not catch. The answer is plain text, or ``{"detail": message}`` JSON
under ``/api``. Every failure worth retrying (overload, time limit, a crashed worker) is 503 with
``Retry-After``; a remote store that fails is 502, one too slow 504.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from govgraph import formats
from govgraph.querying.jobs import NotAcceptable, Overloaded, QueryTimeout, WorkerCrashed
from govgraph.rdf.remote import RemoteError, RemoteTimeout
from govgraph.web import conneg

#: Seconds a client is asked to wait before trying again (``Retry-After``).
RETRY_AFTER = 10
NO_STORE = {"Cache-Control": "no-store"}
RETRY = {"Retry-After": str(RETRY_AFTER), **NO_STORE}


class ProtocolError(Exception):
    """A request answered with an error status and an explanation (bad input, refused)."""

    def __init__(self, status: int, message: str, *,
                 headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.message = message if message.endswith("\n") else message + "\n"
        self.headers = dict(headers or {})
        super().__init__(message)


@dataclass(frozen=True)
class Failure:
    status: int
    message: str
    headers: Mapping[str, str] = field(default_factory=dict)


def not_acceptable(kind: str) -> Failure:
    """406 for a result kind (``tabular`` or ``graph``) with no format the client accepts."""
    kinds, what = ((formats.TABULAR, "SELECT and ASK results") if kind == "tabular"
                   else (formats.GRAPH, "CONSTRUCT and DESCRIBE results"))
    return Failure(406, conneg.not_acceptable(formats.media_types(kinds), what=what))


def failure(exc: Exception) -> Failure | None:
    """The answer to an exception, or None for one that is a bug (500)."""
    if isinstance(exc, ProtocolError):
        return Failure(exc.status, exc.message, exc.headers)
    if isinstance(exc, NotAcceptable):
        return not_acceptable(exc.kind)
    if isinstance(exc, Overloaded):
        return Failure(503, f"The service is busy: {exc}.\n", RETRY)
    if isinstance(exc, QueryTimeout):
        return Failure(503, f"The query ran longer than this service allows and was stopped "
                            f"({exc}). Make it more selective (LIMIT, fewer joins) or try "
                            "again later.\n", RETRY)
    if isinstance(exc, WorkerCrashed):
        return Failure(503, "The query stopped the worker that ran it (out of memory?) and was "
                            "abandoned; the service has started a new worker. Make the query "
                            "more selective or try again later.\n", RETRY)
    if isinstance(exc, RemoteTimeout):
        return Failure(504, f"{exc}\n", NO_STORE)
    if isinstance(exc, RemoteError):  # govgraph serve --endpoint: the remote store failed
        return Failure(502, f"{exc}\n", NO_STORE)
    return None


def render(request: Request, answer: Failure) -> Response:
    """The failure as the router's clients read it: JSON under ``/api``, else plain text."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": answer.message.rstrip("\n")}, status_code=answer.status,
                            headers=dict(answer.headers))
    return Response(answer.message, status_code=answer.status,
                    media_type="text/plain; charset=utf-8", headers=dict(answer.headers))


#: The exceptions :func:`failure` answers.
HANDLED = (ProtocolError, NotAcceptable, QueryTimeout, WorkerCrashed, RemoteError)


def install(app: FastAPI) -> None:
    """Answer every exception of :data:`HANDLED`, in every router, through :func:`failure`."""

    async def handle(request: Request, exc: Exception) -> Response:
        answer = failure(exc)
        if answer is None:  # pragma: no cover - HANDLED and failure() agree
            raise exc
        return render(request, answer)

    for kind in HANDLED:
        app.add_exception_handler(kind, handle)

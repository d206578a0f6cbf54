"""The HTTP service: an app factory, no module globals.

``create_app(settings, store)`` wires the routers of the SPARQL endpoint
(:mod:`govgraph.web.sparql`), the named-query API (:mod:`govgraph.web.api`) and the health check
around one store and one query executor. Tests inject their own store.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware

from govgraph import __version__
from govgraph.rdf.store import Store
from govgraph.web import analysis, api, errors, pages, sparql, texts
from govgraph.web.config import Settings
from govgraph.web.head import HeadAsGet


def create_app(settings: Settings, store: Store) -> FastAPI:
    executor = settings.executor(store)

    @asynccontextmanager
    async def lifespan(served: FastAPI) -> AsyncIterator[None]:
        yield
        served.state.executor.close()  # the current one: govgraph.web.reload may have swapped it

    app = FastAPI(
        title="govgraph",
        version=__version__,
        description="Who represents whom in which forum, since when, according to which "
        "document: a SPARQL 1.1 endpoint and a named-query API over the govgraph knowledge "
        "graph of health-system governance actors.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.executor = executor
    #: What ``GET /sparql`` shows a browser: the query page (web.sparql does not import pages).
    app.state.query_page = pages.query_page
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_credentials=False,
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "If-None-Match"],
        expose_headers=["ETag", "X-Govgraph-Truncated", "X-Govgraph-Rows", "X-Govgraph-Warning",
                        "X-Govgraph-Cache"],
        max_age=86400,
    )
    app.add_middleware(HeadAsGet)  # outermost: HEAD gets the headers of the compressed GET

    errors.install(app)
    app.include_router(sparql.router())
    app.include_router(api.router())
    app.include_router(analysis.router())
    app.include_router(pages.router())
    app.include_router(texts.router())

    @app.get("/health", tags=["service"], summary="Liveness and dataset version")
    def health(request: Request) -> dict[str, object]:
        store: Store = request.app.state.store
        return {"status": "ok", "version": __version__, "dataset": store.version,
                "triples": len(store), "graphs": len(store.graphs())}

    return app

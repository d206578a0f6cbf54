"""``govgraph serve``: the SPARQL endpoint, the API and the pages over HTTP."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from govgraph.cli.common import (
    ENDPOINT_ENV,
    EXIT_OK,
    Subparsers,
    add_registry_option,
    endpoint,
    fail,
)
from govgraph.rdf.store import Store
from govgraph.web.config import Settings


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from govgraph.rdf.remote import RemoteStore
    from govgraph.web import reload
    from govgraph.web.app import create_app

    settings = Settings(host=args.host, port=args.port, data=tuple(args.data or ()),
                        registry=not args.no_registry,
                        store_path=args.store, validate=not args.no_validate,
                        timeout=args.timeout, max_rows=args.max_rows, base_iri=args.base_iri,
                        endpoint=endpoint(args), workers=args.workers,
                        cache_mb=args.cache_mb)
    if args.watch and (settings.store_path is not None or settings.endpoint):
        return fail("--watch reloads an in-memory store only; drop --store/--endpoint or --watch")
    store: Store
    if settings.endpoint:
        # The remote gets 90% of the time limit, so that a slow remote is a 504 (gateway
        # timeout) rather than the executor's 503.
        store = RemoteStore(settings.endpoint, timeout=settings.timeout * 0.9)
        print(f"govgraph: fronting the SPARQL endpoint {settings.endpoint} (its data is "
              "neither loaded nor validated here; see govgraph load)", file=sys.stderr)
    else:
        try:
            store = reload.load_dataset(settings)
        except reload.Refused as exc:
            sys.stderr.write(exc.details)
            fail(str(exc))
            return exc.exit_code
    cache = f"result cache {settings.cache_mb} MB" if settings.cache_mb else "no result cache"
    print(f"govgraph: {settings.workers} query workers, {settings.timeout:g} s time limit, "
          f"{settings.max_rows} rows at most, {cache}", file=sys.stderr)
    print(f"govgraph: SPARQL endpoint at http://{settings.host}:{settings.port}/sparql",
          file=sys.stderr)
    app = create_app(settings, store)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info",
                            timeout_graceful_shutdown=10)
    # The event loop uvicorn itself would pick: uvloop where it is installed.
    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
        loop = type(runner.get_loop()).__module__.split(".")[0]
        print(f"govgraph: event loop {loop}", file=sys.stderr)
        runner.run(reload.serve(app, settings, config, watch_files=args.watch))
    return EXIT_OK


def register(sub: Subparsers) -> None:
    s = sub.add_parser("serve", help="serve the SPARQL endpoint, the API and the pages")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--data", action="append", metavar="FILE[=GRAPH]",
                   help="serve these files instead of the shipped data (repeatable)")
    add_registry_option(s)
    s.add_argument("--store", type=Path, metavar="DIR", help="on-disk store directory")
    s.add_argument("--timeout", type=float, default=Settings().timeout,
                   help="query time limit in seconds")
    s.add_argument("--max-rows", type=int, default=Settings().max_rows, help="result row cap")
    s.add_argument("--workers", type=int, default=Settings().workers,
                   help="queries run at once, each in its own worker process")
    s.add_argument("--cache-mb", type=int, default=Settings().cache_mb, metavar="MB",
                   help="memory for answers to repeated identical queries (0: no cache)")
    s.add_argument("--base-iri", default="https://w3id.org/govgraph/",
                   help="public base IRI of the data, mapped to this server")
    s.add_argument("--no-validate", action="store_true", help="do not validate before serving")
    s.add_argument("--endpoint", metavar="URL",
                   help="front this remote SPARQL 1.1 endpoint instead of loading data "
                   f"(default: ${ENDPOINT_ENV}); fill it with govgraph load")
    s.add_argument("--watch", action="store_true",
                   help="reload the data files when they change (SIGHUP always reloads); a "
                   "new dataset that does not load or validate is refused, the last good one "
                   "stays in service")
    s.set_defaults(func=run)

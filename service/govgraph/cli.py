"""govgraph: validate, query, export and serve the governance knowledge graph.

Results go to stdout, messages and progress to stderr, so commands compose in pipelines.
Exit codes: 0 success (valid data), 1 constraint violations, 2 unreadable input or bad usage.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from govgraph import __version__, cache, cachestore, export, queries, report, results, sources
from govgraph.config import Settings
from govgraph.progress import Progress
from govgraph.sources import InputError
from govgraph.store import Store, load_store
from govgraph.validate import AUTO_THRESHOLD, ENGINES, validate

EXIT_OK, EXIT_INVALID, EXIT_INPUT = 0, 1, 2


def _fail(message: str) -> int:
    print(f"govgraph: {message}", file=sys.stderr)
    return EXIT_INPUT


def cmd_validate(args: argparse.Namespace) -> int:
    given = [*args.files, *args.changed]
    if args.data_only and given:  # the files and the ontology, none of the shipped data
        own = {sources.SourceFile.of(p).path.resolve() for p in given}
        files = [f for f in sources.shipped(data=False) if f.path.resolve() not in own]
        files += _unique([sources.SourceFile.of(p) for p in given])
    elif args.files:
        files = _unique(sources.with_context(given))
    elif args.data_only:  # the ontology and the reference data, without the cases
        files = sources.with_context([])
    else:
        shipped = sources.shipped()
        known = {f.path.resolve() for f in shipped}
        files = shipped + _unique([f for f in sources.with_context(args.changed)
                                   if f.path.resolve() not in known])
    wanted = {sources.SourceFile.of(p).path.resolve() for p in args.changed}
    changed = [f for f in files if f.path.resolve() in wanted]
    with contextlib.ExitStack() as stack:
        kept = stack.enter_context(cache.opened(args.cache, _warn)) if args.cache else None
        previous, data = {}, None
        progress = Progress("govgraph validate")
        if kept is not None and changed:
            also = [f for f in kept.changed(files) if f not in changed]
            if also:
                _warn(f"also changed since the cache last saw them: "
                      f"{', '.join(str(f.path) for f in also)}")
            changed += also
            previous = {f.path: p for f in changed if (p := kept.previous(f)) is not None}
        if kept is not None:  # every run keeps the cache's store up to date
            data = stack.enter_context(cachestore.kept(
                kept.root, files, kept.digest_of, changed=bool(changed), say=_warn,
                progress=progress))
        rep = validate(files, extra_shapes=args.shapes, lang=args.lang, progress=progress,
                       engine=args.engine, changed=changed, previous=previous, store=data)
        if kept is not None:
            kept.remember(files)
    sys.stdout.write(report.render(rep, args.format, lang=args.lang))
    if rep.fallback:
        print(f"govgraph: {len(rep.fallback)} shape(s) use features the fast engine does not "
              f"compile and were checked by pyshacl: {', '.join(rep.fallback)}", file=sys.stderr)
    if args.format != "text":
        print(report.summary(rep), file=sys.stderr)
    return rep.exit_code(strict=args.strict)


def _warn(message: str) -> None:
    print(f"govgraph: {message}", file=sys.stderr)


def _unique(files: Sequence[sources.SourceFile]) -> list[sources.SourceFile]:
    seen: set[Path] = set()
    out = []
    for f in files:
        if f.path.resolve() not in seen:
            seen.add(f.path.resolve())
            out.append(f)
    return out


def _params(pairs: Sequence[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise queries.QueryError(f"--param expects key=value, got {pair!r}")
        values[key.strip()] = value
    return values


def cmd_query(args: argparse.Namespace) -> int:
    library = queries.library()
    if args.list or not args.name:
        for q in library.values():
            print(f"{q.name}\t{q.title}")
            if q.description:
                print(f"    {q.description}")
            for p in q.params:
                need = "required" if p.required else f"optional, default {p.default}" \
                    if p.default else "optional"
                print(f"    --param {p.name}=<{p.type}>  ({need}) {p.description}")
        return EXIT_OK
    query = queries.get(args.name)
    store = load_store(sources.shipped() if not args.data else
                       [sources.SourceFile.of(d) for d in args.data])
    result = queries.run_named_query(store, query, _params(args.param))
    if args.format == "table":
        sys.stdout.write(results.table(result))
    else:
        sys.stdout.buffer.write(results.serialize(result, results.TABULAR[args.format]))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    store = load_store(sources.shipped())
    data = export.dump(store, args.format)
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
    else:
        Path(args.output).write_bytes(data)
        print(f"wrote {len(store)} quads to {args.output}", file=sys.stderr)
    return EXIT_OK


#: Environment variable naming a remote SPARQL endpoint (``--endpoint``).
ENDPOINT_ENV = "GOVGRAPH_SPARQL_ENDPOINT"


def _endpoint(args: argparse.Namespace) -> str | None:
    return args.endpoint or os.environ.get(ENDPOINT_ENV) or None


def _valid(files: Sequence[sources.SourceFile], log: Progress, *, doing: str) -> bool:
    """Validate before serving or loading; print the report of data that does not conform."""
    rep = validate(files, progress=log)
    if not rep.conforms:
        sys.stderr.write(report.as_text(rep))
        _fail(f"the data does not conform to the shapes; not {doing} it "
              f"(fix it, or pass --no-validate to go on anyway)")
        return False
    print(f"govgraph: data valid ({report.summary(rep)})", file=sys.stderr)
    return True


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from govgraph import reload
    from govgraph.app import create_app
    from govgraph.remote import RemoteStore

    settings = Settings(host=args.host, port=args.port, data=tuple(args.data or ()),
                        store_path=args.store, validate=not args.no_validate,
                        timeout=args.timeout, max_rows=args.max_rows, base_iri=args.base_iri,
                        endpoint=_endpoint(args), workers=args.workers,
                        cache_mb=args.cache_mb)
    if args.watch and (settings.store_path is not None or settings.endpoint):
        return _fail("--watch reloads an in-memory store only; drop --store/--endpoint or --watch")
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
            _fail(str(exc))
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


def cmd_load(args: argparse.Namespace) -> int:
    from govgraph import remote

    endpoint = _endpoint(args)
    if not endpoint and not args.graph_store:
        return _fail(f"load needs --endpoint URL (or {ENDPOINT_ENV}) or --graph-store URL")
    graph_store = args.graph_store or remote.graph_store_url(str(endpoint))
    files = [sources.SourceFile.of(d) for d in args.data] if args.data else sources.shipped()
    if not args.no_validate and not _valid(files, Progress("govgraph load"), doing="loading"):
        return EXIT_INVALID
    start = time.monotonic()

    def progress(number: int, total: int, done: remote.Loaded) -> None:
        print(f"govgraph load: [{number}/{total}] PUT <{done.graph}>: {done.triples} triples "
              f"in {done.seconds:.2f} s", file=sys.stderr)

    try:
        loaded = remote.load(files, graph_store=graph_store, progress=progress)
    except remote.RemoteError as exc:
        return _fail(str(exc))
    total = sum(g.triples for g in loaded)
    print(f"govgraph: loaded {total} triples from {len(files)} files into {len(loaded)} named "
          f"graphs at {graph_store} in {time.monotonic() - start:.1f} s", file=sys.stderr)
    return EXIT_OK


def cmd_build_site(args: argparse.Namespace) -> int:
    """Write a static version of the site: pages, RDF of every entity, dumps, metadata."""
    from govgraph.app import create_app
    from govgraph.site import build_site

    files = [sources.SourceFile.of(d) for d in args.data] if args.data else sources.shipped()
    store = load_store(files)
    settings = Settings(base_iri=args.base_iri, validate=False)
    out = Path(args.out)
    written = build_site(create_app(settings, store), store, out, settings.base_iri)
    print(f"govgraph: wrote {len(written)} files under {out}", file=sys.stderr)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="govgraph", description=__doc__.split("\n")[0] if __doc__
                                else None)
    p.add_argument("--version", action="version", version=f"govgraph {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="validate RDF data against the govgraph shapes",
                       description="Validate the given files (with the ontology and the "
                       "reference data they link to), or all shipped data when none are given. "
                       "Exit 0 valid, 1 violations, 2 unreadable input.")
    v.add_argument("files", nargs="*", help="Turtle, TriG, JSON-LD, N-Triples or N-Quads files")
    v.add_argument("--format", choices=report.FORMATS, default="text")
    v.add_argument("--lang", choices=("en", "it"), default="en", help="language of messages")
    v.add_argument("--strict", action="store_true", help="warnings also fail (exit 1)")
    v.add_argument("--shapes", type=Path, action="append", default=[],
                   help="extra SHACL shapes file to apply on top of govgraph's (repeatable)")
    v.add_argument("--data-only", action="store_true",
                   help="check the files with the ontology only, without the shipped reference "
                   "data and cases (for datasets that reuse the ontology)")
    v.add_argument("--engine", choices=ENGINES, default="auto",
                   help=f"pyshacl (the reference), fast (shapes compiled to SPARQL), or auto: "
                   f"fast from {AUTO_THRESHOLD} quads on (default)")
    v.add_argument("--changed", nargs="+", default=[], metavar="FILE",
                   help="check only the nodes these files mention and their neighbours, "
                   "against the whole dataset (incremental validation)")
    v.add_argument("--cache", type=Path, metavar="DIR",
                   help="keep here the version of each file seen and the data parsed (an "
                   "on-disk store), so that --changed re-parses only the files that changed, "
                   "re-checks what a change removed and notices other changed files")
    v.set_defaults(func=cmd_validate)

    q = sub.add_parser("query", help="run a named query from the query library")
    q.add_argument("name", nargs="?", help="the query's name (see --list)")
    q.add_argument("--list", action="store_true", help="list the named queries")
    q.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    q.add_argument("--format", choices=("table", *results.TABULAR), default="table")
    q.add_argument("--data", action="append", metavar="FILE",
                   help="query these files instead of the shipped dataset (repeatable)")
    q.set_defaults(func=cmd_query)

    e = sub.add_parser("export", help="write the whole dataset (ontology + data) as one dump")
    e.add_argument("--format", choices=tuple(export.DUMP_FORMATS), default="ttl")
    e.add_argument("-o", "--output", help="file to write (default: stdout)")
    e.set_defaults(func=cmd_export)

    s = sub.add_parser("serve", help="serve the SPARQL endpoint, the API and the pages")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--data", action="append", metavar="FILE[=GRAPH]",
                   help="serve these files instead of the shipped data (repeatable)")
    s.add_argument("--store", type=Path, metavar="DIR", help="on-disk store directory")
    s.add_argument("--timeout", type=float, default=30.0, help="query time limit in seconds")
    s.add_argument("--max-rows", type=int, default=10_000, help="result row cap")
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
    s.set_defaults(func=cmd_serve)

    ld = sub.add_parser("load", help="load the dataset into a remote SPARQL store",
                        description="Validate the shipped dataset (or the --data files) and put "
                        "it into a remote store through the SPARQL 1.1 Graph Store HTTP "
                        "Protocol: one PUT per named graph, replacing that graph. Progress and a "
                        "summary go to stderr.")
    ld.add_argument("--endpoint", metavar="URL",
                    help=f"the store's SPARQL query endpoint (default: ${ENDPOINT_ENV})")
    ld.add_argument("--graph-store", metavar="URL",
                    help="its Graph Store Protocol address (default: derived from --endpoint: "
                    "Virtuoso /sparql -> /sparql-graph-crud, Fuseki /ds/sparql -> /ds/data)")
    ld.add_argument("--data", action="append", metavar="FILE[=GRAPH]",
                    help="load these files instead of the shipped data (repeatable)")
    ld.add_argument("--no-validate", action="store_true", help="do not validate before loading")
    ld.set_defaults(func=cmd_load)

    b = sub.add_parser("build-site", help="write a static version of the pages and dumps",
                       description="Write the web pages (index.html under /id/... paths), the "
                       "RDF of every entity, the dumps, the VoID/DCAT metadata and the ontology "
                       "documentation into OUT/, for any static web server.")
    b.add_argument("out", metavar="OUT", help="output folder (created if needed)")
    b.add_argument("--data", action="append", metavar="FILE[=GRAPH]",
                   help="build from these files instead of the shipped data (repeatable)")
    b.add_argument("--base-iri", default="https://w3id.org/govgraph/",
                   help="public base IRI of the data")
    b.set_defaults(func=cmd_build_site)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except InputError as exc:
        return _fail(str(exc))
    except queries.QueryError as exc:
        return _fail(str(exc))
    except SyntaxError as exc:
        return _fail(f"the query is not valid SPARQL: {exc}")
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130

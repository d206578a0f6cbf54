"""A store that is an external SPARQL 1.1 endpoint (Virtuoso, Fuseki, GraphDB, ...).

:class:`RemoteStore` implements :class:`govgraph.rdf.store.Store` through SPARQLWrapper and hands
back pyoxigraph result objects (the remote's SPARQL results JSON parsed with
``pyoxigraph.parse_query_results``, graphs with ``pyoxigraph.parse``), so the CLI and the HTTP
service do not know which store they use.

Parameters are never spliced into the query as text: :func:`govgraph.querying.binding.bind` (the
same code the embedded store uses, so both give the same answers) serializes each value as an RDF
term and puts a ``VALUES`` block at the start of the ``WHERE`` group. Prefixes the embedded store
predefines are written out as ``PREFIX`` lines (:func:`standalone`).

The remote's default graph must be the union of its named graphs (Virtuoso's default; Fuseki with
``tdb2:unionDefaultGraph true``), as in the embedded store.

:func:`load` puts files into a store through the SPARQL 1.1 Graph Store HTTP Protocol, one ``PUT``
per named graph.

A remote that cannot be reached or answers an error raises :class:`RemoteError` (HTTP 502); one
that does not answer in time raises :class:`RemoteTimeout` (HTTP 504).
"""

from __future__ import annotations

import hashlib
import http.client
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from SPARQLWrapper import CONSTRUCT, DESCRIBE, JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from govgraph import __version__
from govgraph.querying.binding import (
    Term,
    bind,
    form,
    visible,  # comments, strings and IRIs blanked out
)
from govgraph.rdf.namespaces import PREFIXES
from govgraph.rdf.sources import SourceFile, syntax_error
from govgraph.rdf.store import Graph, QueryResult, Subject

USER_AGENT = f"govgraph/{__version__}"


class RemoteError(Exception):
    """The remote SPARQL store could not be reached or answered an error (HTTP 502)."""


class RemoteTimeout(RemoteError):
    """The remote SPARQL store did not answer within the time limit (HTTP 504)."""


# --- the query text ------------------------------------------------------------------------------

_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:")
_PREFIXED = re.compile(r"(?<![\w.:?$-])([A-Za-z][\w.-]*)?:")


def standalone(sparql: str) -> str:
    """The query with ``PREFIX`` lines for the govgraph prefixes it uses without declaring them.

    Named queries may rely on the prefixes the embedded store predefines; another endpoint, or a
    person copying the query, needs them written out. The lines go after the leading comments.
    """
    shown = visible(sparql)  # comments, strings and IRIs blanked out
    declared = set(_PREFIX_DECL.findall(shown))
    used = set(_PREFIXED.findall(shown))
    missing = [p for p in PREFIXES if p in used - declared]
    if not missing:
        return sparql
    prologue = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing)
    first = re.search(r"\S", shown)
    at = sparql.rfind("\n", 0, first.start() if first else len(sparql)) + 1
    return sparql[:at] + prologue + sparql[at:]


# --- the store -----------------------------------------------------------------------------------

class RemoteStore:
    """An external SPARQL 1.1 endpoint as a :class:`govgraph.rdf.store.Store`."""

    def __init__(self, endpoint: str, *, timeout: float = 30.0, version_ttl: float = 10.0) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self._version_ttl = version_ttl
        self._cache: tuple[float, dict[str, int]] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r})"

    @property
    def version(self) -> str:
        """A hash of the graphs and their sizes (asked of the remote at most every few seconds)."""
        text = self.endpoint + "".join(f"<{g}>{n}" for g, n in self._sizes().items())
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _sizes(self) -> dict[str, int]:
        """Quads per named graph, cached for ``version_ttl`` seconds."""
        with self._lock:
            now = time.monotonic()
            if self._cache is None or now - self._cache[0] > self._version_ttl:
                found = self.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                                   "GROUP BY ?g")
                assert isinstance(found, ox.QuerySolutions)
                sizes = {s["g"].value: int(s["n"].value) for s in found
                         if isinstance(s["g"], ox.NamedNode) and s["n"] is not None}
                self._cache = (now, dict(sorted(sizes.items())))
            return self._cache[1]

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        client = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        client.setQuery(bind(standalone(sparql), substitutions or {}))
        # SPARQLWrapper guesses the form by a regex that skips only every other line of a
        # block of comments, so a named query whose header says "adds" or "loaded" was sent
        # as an update (update=..., refused by a read-only endpoint): the form is read here.
        client.queryType = form(sparql) or client.queryType
        graph_result = client.queryType in (CONSTRUCT, DESCRIBE)
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        # not setTimeout(), which truncates to whole seconds (0.5 would mean no time limit)
        client.timeout = self.timeout  # type: ignore[assignment]
        client.setReturnFormat(TURTLE if graph_result else JSON)
        for iri in default_graphs or ():
            client.addDefaultGraph(iri)
        for iri in named_graphs or ():
            client.addNamedGraph(iri)
        body, media = self._fetch(client)
        try:
            if graph_result:
                return _triples(body, ox.RdfFormat.from_media_type(media) or ox.RdfFormat.TURTLE)
            fmt = ox.QueryResultsFormat.from_media_type(media) or ox.QueryResultsFormat.JSON
            return ox.parse_query_results(body, format=fmt)
        except (SyntaxError, ValueError) as exc:
            raise RemoteError(f"the SPARQL endpoint {self.endpoint} answered unreadable "
                              f"results ({media or 'no content type'}): {exc}") from exc

    def _fetch(self, client: SPARQLWrapper) -> tuple[bytes, str]:
        where = f"the SPARQL endpoint {self.endpoint}"
        try:
            answer = client.query()
            body = answer.response.read()
            media = (answer.response.headers.get("Content-Type") or "").split(";")[0].strip()
        except QueryBadFormed as exc:
            raise SyntaxError(f"{where} rejected the query: {_message(exc)}") from exc
        except SPARQLWrapperException as exc:
            raise RemoteError(f"{where} answered an error: {_message(exc)}") from exc
        except urllib.error.HTTPError as exc:
            raise RemoteError(f"{where} answered HTTP {exc.code} {exc.reason}") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise RemoteTimeout(f"{where} did not answer within {self.timeout:g} s") from exc
            raise RemoteError(f"{where} is unreachable: {exc.reason}") from exc
        except TimeoutError as exc:
            raise RemoteTimeout(f"{where} did not answer within {self.timeout:g} s") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise RemoteError(f"{where} failed: {exc}") from exc
        return body, media

    @property
    def local(self) -> bool:
        return False

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Term | None = None, graph: Graph | None = None) -> Iterator[ox.Quad]:
        """The matching quads of the named graphs, by one SELECT (the remote's default graph is
        the union of its named graphs, so it adds nothing)."""
        if isinstance(graph, ox.DefaultGraph):
            return
        bound = {name: term for name, term in (("s", subject), ("p", predicate), ("o", obj),
                                               ("g", graph)) if term is not None}
        found = self.query(_QUADS, substitutions=bound)
        assert isinstance(found, ox.QuerySolutions)
        for row in found:
            s, p, o, g = row["s"], row["p"], row["o"], row["g"]
            if isinstance(s, ox.NamedNode | ox.BlankNode) and isinstance(p, ox.NamedNode) and \
                    isinstance(o, ox.NamedNode | ox.BlankNode | ox.Literal) and \
                    isinstance(g, ox.NamedNode | ox.BlankNode):
                yield ox.Quad(s, p, o, g)

    def graphs(self) -> list[str]:
        return list(self._sizes())

    def __len__(self) -> int:
        return sum(self._sizes().values())


_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def _message(exc: SPARQLWrapperException) -> str:
    text = str(exc).replace("\\n", " ").strip()
    return re.sub(r"\s+", " ", text)[:500]


def _triples(body: bytes, fmt: ox.RdfFormat) -> ox.QueryTriples:
    """A graph answer as the ``QueryTriples`` the embedded store returns for CONSTRUCT."""
    scratch = ox.Store()
    scratch.bulk_extend(ox.parse(body, format=fmt))
    result = scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    return result


# --- loading through the Graph Store Protocol ----------------------------------------------

def graph_store_url(endpoint: str) -> str:
    """The usual Graph Store Protocol address next to a query endpoint.

    Virtuoso: ``/sparql`` → ``/sparql-graph-crud``; Fuseki: ``/ds/sparql`` or ``/ds/query`` →
    ``/ds/data``. Other stores: pass it explicitly.
    """
    parts = urllib.parse.urlsplit(endpoint)
    if parts.path.rstrip("/") == "/sparql":
        path = "/sparql-graph-crud"
    else:
        path = parts.path.rstrip("/").rsplit("/", 1)[0] + "/data"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def graphs_of(files: Sequence[SourceFile]) -> Iterator[tuple[str, list[ox.Triple]]]:
    """The triples of each named graph the files fill, in order of first appearance.

    A Turtle file's triples go to its graph; TriG and N-Quads keep the graphs they name. Raises
    :class:`govgraph.rdf.sources.InputError` naming the file and line of a syntax error.
    """
    graphs: dict[str, list[ox.Triple]] = {}
    for source in files:
        try:
            for quad in ox.parse(path=source.path, format=source.format):
                name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) \
                    else source.graph
                graphs.setdefault(name, []).append(quad.triple)
        except SyntaxError as exc:
            raise syntax_error(source, exc) from exc
    yield from graphs.items()


@dataclass(frozen=True)
class Loaded:
    graph: str
    triples: int
    seconds: float


def load(
    files: Sequence[SourceFile], *, graph_store: str, timeout: float = 300.0,
    progress: Callable[[int, int, Loaded], None] | None = None,
) -> list[Loaded]:
    """Replace each named graph the files fill with their triples: one ``PUT`` per graph."""
    todo = list(graphs_of(files))
    done = []
    for number, (graph, triples) in enumerate(todo, 1):
        start = time.monotonic()
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        put(graph_store, graph, body, timeout=timeout)
        done.append(Loaded(graph, len(triples), time.monotonic() - start))
        if progress is not None:
            progress(number, len(todo), done[-1])
    return done


def put(graph_store: str, graph: str, body: bytes, *, timeout: float = 300.0) -> None:
    """``PUT`` N-Triples (sent as Turtle, of which N-Triples is a subset) into one named graph."""
    url = f"{graph_store}?{urllib.parse.urlencode({'graph': graph})}"
    if not url.startswith(("http://", "https://")):
        raise RemoteError(f"the graph store address {graph_store!r} is not an http(s) URL")
    request = urllib.request.Request(url, data=body, method="PUT", headers={  # noqa: S310
        "Content-Type": "text/turtle; charset=utf-8", "User-Agent": USER_AGENT})
    where = f"the graph store {graph_store}"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            answer.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace").strip()
        raise RemoteError(f"{where} refused graph <{graph}>: HTTP {exc.code} {exc.reason}"
                          + (f": {detail}" if detail else "")) from exc
    except urllib.error.URLError as exc:
        raise RemoteError(f"{where} is unreachable: {exc.reason}") from exc
    except TimeoutError as exc:
        raise RemoteTimeout(f"{where} did not answer within {timeout:g} s") from exc

"""Find entities by name or identifier: the look-up before writing a statement.

The store is read with one fixed query (no user text in it); the matching is done here in
Python, accent- and case-insensitive: a name matches when it equals the query, starts with it, or
when every word of the query starts a word of the name ("univ bol" finds "Università di
Bologna"); articles and prepositions ("di", "della", …) count for neither, so "Comune di Padova"
has the same words as "Padova (comune)" and ranks just below an equal name; an identifier
(ISTAT, IPA, cadastral code, Wikidata item) matches when it equals the query or starts with it.
Statements, quotes and other nodes about entities are not returned.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial

import pyoxigraph as ox

from govgraph.rdf.namespaces import GGID, PREFIXES, compact
from govgraph.rdf.store import Store

#: The kinds of node that are not entities to reuse (statements and their parts).
NOT_ENTITIES = frozenset(PREFIXES[p] + local for p, local in (
    ("gg", "Representation"), ("org", "Membership"), ("gg", "Coordination"), ("gg", "Mandate"),
    ("gg", "Liaison"), ("gg", "Quote"), ("adms", "Identifier"), ("time", "Interval"),
    ("time", "ProperInterval"), ("time", "Instant"), ("dcat", "Distribution"),
    ("gg", "Event"), ("gg", "Session"), ("gg", "Establishment"), ("gg", "RevisionProcess")))

_ROWS = """
SELECT ?e ?what ?v ?extra WHERE {
  { VALUES ?extra { skos:prefLabel rdfs:label foaf:name skos:altLabel }
    ?e ?extra ?v BIND("label" AS ?what) }
  UNION { ?e a ?v BIND("type" AS ?what) }
  UNION { ?e adms:identifier ?i . ?i skos:notation ?v OPTIONAL { ?i dct:type ?extra }
          BIND("identifier" AS ?what) }
  UNION { ?e skos:exactMatch|skos:closeMatch|owl:sameAs ?v BIND("match" AS ?what) }
}"""


_LABEL_ORDER = [PREFIXES["skos"] + "prefLabel", PREFIXES["rdfs"] + "label",
                PREFIXES["foaf"] + "name", PREFIXES["skos"] + "altLabel"]


#: Words that do not tell names apart (articles, prepositions, "e").
STOPWORDS = frozenset("a al alla d da de dei degli del della delle dello di e ed i il in l la le "
                      "lo per".split())


def fold(text: str) -> str:
    """Lower case, without accents, punctuation as spaces: the form names are compared in."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text)
                    if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", plain.casefold()).split())


@dataclass
class Entity:
    iri: str
    types: list[str] = field(default_factory=list)
    labels: list[tuple[str, str]] = field(default_factory=list)  # (text, language)
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # (scheme, code)

    @property
    def kind(self) -> str:
        return compact(sorted(self.types)[0]) if self.types else ""

    def as_json(self) -> dict[str, object]:
        return {"iri": self.iri, "id": self.iri.removeprefix(GGID), "kind": self.kind,
                "types": [compact(t) for t in sorted(self.types)],
                "labels": [{"text": t, "lang": lang} for t, lang in self.labels],
                "identifiers": [{"scheme": s, "code": c} for s, c in self.identifiers]}


@dataclass(frozen=True)
class Match:
    entity: Entity
    score: int
    matched: str  # the name or identifier that matched


class Index:
    """The entities of one version of the store, with their folded names."""

    def __init__(self, store: Store) -> None:
        found: dict[str, Entity] = defaultdict(lambda: Entity(""))
        rank: dict[tuple[str, str, str], int] = {}  # (entity, text, lang) -> label predicate
        rows = store.query(_ROWS)
        assert isinstance(rows, ox.QuerySolutions)
        for row in rows:
            e, what, v, extra = row["e"], row["what"], row["v"], row["extra"]
            if not isinstance(e, ox.NamedNode) or not e.value.startswith(GGID):
                continue
            entity = found[e.value]
            entity.iri = e.value
            kind = what.value if isinstance(what, ox.Literal) else ""
            if kind == "label" and isinstance(v, ox.Literal):
                entity.labels.append((v.value, v.language or ""))
                order = _LABEL_ORDER.index(extra.value) if isinstance(extra, ox.NamedNode) \
                    and extra.value in _LABEL_ORDER else len(_LABEL_ORDER)
                key = (e.value, v.value, v.language or "")
                rank[key] = min(rank.get(key, order), order)
            elif kind == "type" and isinstance(v, ox.NamedNode):
                entity.types.append(v.value)
            elif kind == "identifier" and isinstance(v, ox.Literal):
                scheme = extra.value.rsplit("/", 1)[-1] if isinstance(extra, ox.NamedNode) else ""
                entity.identifiers.append((scheme, v.value))
            elif kind == "match" and isinstance(v, ox.NamedNode):
                entity.identifiers.append(("", compact(v.value)))
        self.entities = [e for e in found.values()
                         if e.labels and not NOT_ENTITIES.intersection(e.types)]

        def label_order(iri: str, label: tuple[str, str]
                        ) -> tuple[int, bool, bool, tuple[str, str]]:
            return (rank.get((iri, *label), 9), label[1] != "it", label[1] != "en", label)

        for e in self.entities:
            e.labels = sorted(set(e.labels), key=partial(label_order, e.iri))
            e.identifiers = sorted(set(e.identifiers))

    def folded(self) -> list[dict[str, object]]:
        """Every entity with its names and codes folded as :meth:`find` compares them: what a
        script needs to answer the same look-up without the service (the static site's
        ``/search``). ``labels[0]`` is the name a page shows; codes as ``[shown, folded]``."""
        return [{"iri": e.iri, "kind": e.kind,
                 "labels": [[text, fold(text)] for text, _lang in e.labels],
                 "codes": [[f"{scheme} {code}".strip(), fold(code.split(":")[-1])]
                           for scheme, code in e.identifiers]}
                for e in sorted(self.entities, key=lambda e: e.iri)]

    def find(self, query: str, *, kind: str | None = None, limit: int = 20) -> list[Match]:
        wanted = fold(query)
        if not wanted:
            return []
        words = [w for w in wanted.split() if w not in STOPWORDS] or wanted.split()
        out = []
        for e in self.entities:
            if kind and not any(kind.casefold() in compact(t).casefold() for t in e.types):
                continue
            best: tuple[int, str] = (0, "")
            for text, _lang in e.labels:
                name = fold(text)
                tokens = name.split()
                score = (100 if name == wanted else
                         SAME_WORDS if set(words) == set(tokens) - STOPWORDS else
                         80 if name.startswith(wanted) else
                         60 if all(any(t.startswith(w) for t in tokens) for w in words) else 0)
                best = max(best, (score, text))
            for scheme, code in e.identifiers:
                folded = fold(code.split(":")[-1])
                score = 100 if folded == wanted else 70 if folded.startswith(wanted) else 0
                best = max(best, (score, f"{scheme} {code}".strip()))
            if best[0]:
                out.append(Match(e, best[0], best[1]))
        out.sort(key=lambda m: (-m.score, len(m.matched), fold(m.entity.labels[0][0]),
                                m.entity.iri))
        return out[:limit]


#: The score of a name with the query's words, in another order ("Padova (comune)" for "Comune
#: di Padova"): as good as an equal name for :func:`govgraph.authoring.names.resolve`.
SAME_WORDS = 90

_cache: dict[int, tuple[str, Index]] = {}
_lock = threading.Lock()


def index(store: Store) -> Index:
    """The index of the store's current version (built once per version)."""
    with _lock:
        kept = _cache.get(id(store))
        if kept is None or kept[0] != store.version:
            kept = (store.version, Index(store))
            _cache.clear()
            _cache[id(store)] = kept
        return kept[1]


def find(store: Store, query: str, *, kind: str | None = None, limit: int = 20) -> list[Match]:
    """The entities whose name or identifier matches ``query``, best first."""
    return index(store).find(query, kind=kind, limit=limit)

"""Synthetic, realistically shaped govgraph data for benchmarks (N-Triples, deterministic).

    python bench/generate.py --triples 100000 -o bench/data/gov-1e5.nt

Shaped like the real data (docs/model.md), with the real gg: model: 20 regions, 107 provinces,
municipalities, health trusts (ASL/AO/IRCCS), universities; forums (conferences with working
groups and technical groups as gg:partOfForum parts, up to three levels); persons and posts;
gg:Representation seats with one to three principals (gg:onBehalfOf), roles, gg:startDate and
sometimes gg:endDate (xsd:date, gYearMonth or gYear), an OWL-Time interval, a source document
and quoted evidence; org:Membership seats of bodies; coordinations and mandates. The sizes scale
with ``--triples``; the output has about that many triples (printed to stderr).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path

GG = "https://w3id.org/govgraph/ontology#"
ID = "https://w3id.org/govgraph/id/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
FOAF = "http://xmlns.com/foaf/0.1/"
DCT = "http://purl.org/dc/terms/"
TIME = "http://www.w3.org/2006/time#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OA = "http://www.w3.org/ns/oa#"

REGIONS = 20
PROVINCES = 107
ROLES = ("member", "member", "member", "member", "coordinator", "secretariat", "general-director")
FORUM_KINDS = ("conference", "working-group", "technical-working-group", "concertation-table",
               "thematic-table", "steering-committee", "plenary")
NAMES = ("Giulia", "Marco", "Francesca", "Luca", "Chiara", "Andrea", "Sara", "Paolo", "Elena",
         "Davide", "Anna", "Matteo", "Laura", "Stefano", "Valentina", "Roberto", "Silvia")
SURNAMES = ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa")


def iri(path: str) -> str:
    return f"<{ID}{path}>"


def lit(text: str, lang: str = "it") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}'


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def t(s: str, p: str, o: str) -> str:
    return f"{s} <{p}> {o} .\n"


class Generator:
    """Writes the triples; ``scale`` is the number of top-level conferences."""

    def __init__(self, scale: int, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.scale = scale
        self.bodies: list[str] = []
        self.bodies_by_region: dict[int, list[str]] = {}
        self.persons = 0

    def lines(self) -> Iterator[str]:
        yield from self.territory()
        for n in range(self.scale):
            yield from self.conference(n)

    def body(self, slug: str, label: str, kind: str, region: int) -> Iterator[str]:
        s = iri(f"body/{slug}")
        yield t(s, RDF + "type", f"<{GG}Body>")
        yield t(s, ORG + "classification", iri(f"concept/body-kind/{kind}"))
        yield t(s, SKOS + "prefLabel", lit(label))
        yield t(s, RDFS + "label", lit(label, "en"))  # the Italian name, as used in English
        self.bodies.append(s)
        self.bodies_by_region.setdefault(region, []).append(s)

    def territory(self) -> Iterator[str]:
        municipalities = max(40, min(7900, self.scale * 8))
        trusts = max(20, min(250, self.scale))
        for r in range(REGIONS):
            yield from self.body(f"regione-{r}", f"Regione {r}", "region", r)
        for p in range(PROVINCES):
            yield from self.body(f"provincia-{p}", f"Provincia {p}", "province", p % REGIONS)
        for m in range(municipalities):
            region = m % REGIONS
            yield from self.body(f"comune-{m}", f"Comune {m}", "municipality", region)
            yield t(iri(f"body/comune-{m}"), ORG + "subOrganizationOf",
                    iri(f"body/provincia-{m % PROVINCES}"))
        for a in range(trusts):
            kind = ("local-health-authority", "health-trust", "research-hospital")[a % 3]
            yield from self.body(f"azienda-sanitaria-{a}", f"Azienda sanitaria {a}", kind,
                                 a % REGIONS)
        for u in range(max(5, trusts // 5)):
            yield from self.body(f"universita-{u}", f"Università {u}", "university", u % REGIONS)

    def person(self) -> tuple[str, Iterator[str]]:
        self.persons += 1
        n = self.persons
        s = iri(f"person/p{n}")
        name = f"{self.rnd.choice(NAMES)} {self.rnd.choice(SURNAMES)} {n}"

        def triples() -> Iterator[str]:
            yield t(s, RDF + "type", f"<{FOAF}Person>")
            yield t(s, FOAF + "name", f'"{name}"')
            yield t(s, RDFS + "label", lit(name))
        return s, triples()

    def date(self) -> str:
        year = self.rnd.randint(2010, 2024)
        kind = self.rnd.random()
        if kind < 0.4:
            return typed(f"{year}-{self.rnd.randint(1, 12):02d}-{self.rnd.randint(1, 28):02d}",
                         "date")
        if kind < 0.85:
            return typed(f"{year}-{self.rnd.randint(1, 12):02d}", "gYearMonth")
        return typed(str(year), "gYear")

    def conference(self, n: int) -> Iterator[str]:
        region = n % REGIONS
        source = iri(f"source/doc-{n}")
        yield t(source, RDF + "type", f"<{GG}SourceDocument>")
        yield t(source, DCT + "title", lit(f"Comunicato stampa {n}"))
        yield t(source, DCT + "date", self.date())
        yield t(source, DCT + "language", '"it"')
        quotes = 0

        def quote() -> tuple[str, Iterator[str]]:
            nonlocal quotes
            quotes += 1
            q = iri(f"quote/doc-{n}/{quotes:02d}")

            def triples() -> Iterator[str]:
                yield t(q, RDF + "type", f"<{GG}Quote>")
                yield t(q, PROV + "value", lit(f"frase {quotes} del documento {n}"))
                yield t(q, PROV + "wasQuotedFrom", source)
                yield t(q, OA + "start", typed(str(quotes * 100), "nonNegativeInteger"))
                yield t(q, OA + "end", typed(str(quotes * 100 + 80), "nonNegativeInteger"))
            return q, triples()

        local = self.bodies_by_region[region]
        forums = [(f"forum/conf-{n}", None, "conference")]
        for w in range(self.rnd.randint(1, 4)):
            forums.append((f"forum/conf-{n}-wg-{w}", f"forum/conf-{n}", "working-group"))
            if self.rnd.random() < 0.5:
                forums.append((f"forum/conf-{n}-wg-{w}-tech", f"forum/conf-{n}-wg-{w}",
                               "technical-working-group"))
        for slug, parent, kind in forums:
            f = iri(slug)
            yield t(f, RDF + "type", f"<{GG}Forum>")
            yield t(f, ORG + "classification", iri(f"concept/forum-kind/{kind}"))
            yield t(f, SKOS + "prefLabel", lit(f"{kind} {slug}"))
            yield t(f, RDFS + "label", lit(f"{kind} {slug}", "en"))
            yield t(f, GG + "mentionedIn", source)
            if parent:
                yield t(f, GG + "partOfForum", iri(parent))
            # the sentence of the source that names the forum's members and mandate
            forum_quote, forum_quote_triples = quote()
            yield from forum_quote_triples
            # plain memberships of bodies
            for b in self.rnd.sample(local, min(len(local), self.rnd.randint(2, 6))):
                m = iri(f"membership/{slug.split('/')[1]}-{b.rsplit('/', 1)[1][:-1]}")
                yield t(m, RDF + "type", f"<{ORG}Membership>")
                yield t(m, ORG + "member", b)
                yield t(m, ORG + "organization", f)
                yield t(m, ORG + "role", iri("concept/role/member"))
                yield t(m, PROV + "wasDerivedFrom", source)
                yield t(m, GG + "evidence", forum_quote)
            # named seats
            for seat in range(self.rnd.randint(3, 9)):
                agent, person_triples = self.person()
                yield from person_triples
                r = iri(f"representation/{slug.split('/')[1]}-{seat}")
                role = self.rnd.choice(ROLES)
                yield t(r, RDF + "type", f"<{GG}Representation>")
                yield t(r, ORG + "member", agent)
                yield t(r, ORG + "organization", f)
                yield t(r, ORG + "role", iri(f"concept/role/{role}"))
                for principal in self.rnd.sample(local, self.rnd.choice((1, 1, 1, 2, 3))):
                    yield t(r, GG + "onBehalfOf", principal)
                    yield t(agent, PROV + "actedOnBehalfOf", principal)
                if self.rnd.random() < 0.8:
                    start = self.date()
                    start_year = int(start[1:5])
                    yield t(r, GG + "startDate", start)
                    interval = iri(f"interval/{slug.split('/')[1]}-{seat}")
                    yield t(r, ORG + "memberDuring", interval)
                    yield t(interval, RDF + "type", f"<{TIME}Interval>")
                    if self.rnd.random() < 0.3:  # not before the start
                        end_year = self.rnd.randint(max(2020, start_year), 2026)
                        yield t(r, GG + "endDate", typed(str(end_year), "gYear"))
                yield t(r, PROV + "wasDerivedFrom", source)
                q, quote_triples = quote()
                yield from quote_triples
                yield t(r, GG + "evidence", q)
                if role == "coordinator":
                    c = iri(f"coordination/{slug.split('/')[1]}-{seat}")
                    yield t(c, RDF + "type", f"<{GG}Coordination>")
                    yield t(c, GG + "coordinator", agent)
                    yield t(c, GG + "coordinatedForum", f)
                    yield t(c, GG + "seat", r)
                    yield t(c, PROV + "wasDerivedFrom", source)
                    yield t(c, GG + "evidence", q)
            if self.rnd.random() < 0.3:
                md = iri(f"mandate/{slug.split('/')[1]}")
                yield t(md, RDF + "type", f"<{GG}Mandate>")
                yield t(md, GG + "assignedTo", f)
                yield t(md, GG + "deliverable", lit(f"studio per {slug}"))
                yield t(md, GG + "dueDate", self.date())
                yield t(md, GG + "status", iri("concept/mandate-status/assigned"))
                yield t(md, PROV + "wasDerivedFrom", source)
                yield t(md, GG + "evidence", forum_quote)


def estimate(scale: int) -> int:
    """About how many triples a scale gives: ~775 per conference (its parts, seats, persons,
    quotes) plus the territory."""
    return 775 * scale + 5 * max(40, min(7900, scale * 8)) + 4 * min(250, max(20, scale)) + 600


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=float, required=True, help="about how many triples")
    parser.add_argument("-o", "--output", type=Path, required=True, help="N-Triples file")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    scale = 1
    while estimate(scale + 1) <= args.triples:
        scale += 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with args.output.open("w", encoding="utf-8") as out:
        for line in Generator(scale, args.seed).lines():
            out.write(line)
            count += 1
    print(f"wrote {count} triples ({scale} conferences) to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

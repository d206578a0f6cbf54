"""ISTAT's territorial units as RDF: every region, UTS and municipality a ``gg:Body``.

IRIs come from ISTAT codes (docs/registry.md): ``id/body/regione/{region code}``,
``id/body/uts/{UTS code}``, ``id/body/comune/{municipality code}``; identifiers
``id/identifier/{scheme}/{code}``, the same IRIs data/reference.ttl uses for the codes it
already had. Every node is ``prov:wasDerivedFrom`` the release's source node, which carries the
release, the file's SHA-256 and the licence. The hierarchy is ``gg:withinTerritoryOf``:
municipality -> UTS -> region.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from govgraph.rdf import resources
from govgraph.rdf.namespaces import GG, GGID, PREFIXES
from govgraph.rdf.sources import InputError
from govgraph.registry.istat import NUTS_VERSION, Territory, Uts
from govgraph.registry.release import PACKAGE, Release

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS, SKOS, DCT = PREFIXES["rdfs"], PREFIXES["skos"], PREFIXES["dct"]
PROV, ORG, ADMS, FOAF = PREFIXES["prov"], PREFIXES["org"], PREFIXES["adms"], PREFIXES["foaf"]
BODY_KIND = GGID + "concept/body-kind/"
ID_SCHEME = GGID + "concept/identifier-scheme/"
WITHIN = GG + "withinTerritoryOf"

#: ISTAT's "Tipologia di Unità territoriale sovracomunale" digit -> body kind. ISTAT's legend
#: names the five types; which digit is which is checked against the file: 3 is exactly the UTS
#: whose code is the province code + 200 (ISTAT's rule for metropolitan cities), 2 the two of
#: Trentino-Alto Adige, 4 the six of Sicily, 5 the four of Friuli-Venezia Giulia.
UTS_KINDS = {"1": "province", "2": "autonomous-province", "3": "metropolitan-city",
             "4": "free-municipal-consortium", "5": "non-administrative-unit"}
METROPOLITAN = "3"

#: The language of ISTAT's second-language municipality names, by UTS: German in the
#: autonomous province of Bolzano/Bozen, Ladin in Trento's, Slovene in Friuli-Venezia Giulia.
SECOND_LANGUAGE = {"021": "de", "022": "lld", "030": "sl", "031": "sl", "032": "sl", "093": "sl"}

#: Identifier schemes: IRI path under id/identifier/, scheme concept, label pattern.
SCHEMES = {
    "region": ("istat-region", "istat-region", "ISTAT regione {code} ({name})"),
    "uts": ("istat-uts", "istat-uts", "ISTAT UTS {code} ({name})"),
    "province": ("istat-province", "istat-province", "ISTAT provincia {code} ({name})"),
    "municipality": ("istat", "istat-municipality", "ISTAT {code} ({name})"),
    "cadastral": ("cadastral", "cadastral-code", "codice catastale {code} ({name})"),
    "nuts": (f"nuts-{NUTS_VERSION}", "nuts", "NUTS " + NUTS_VERSION + " {code} ({name})"),
}

ISTAT_PAGE = "https://www.istat.it/it/archivio/6789"
ISTAT_LEGAL = "https://www.istat.it/en/legal-notice"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"

Term = ox.NamedNode | ox.Literal


def body_iri(kind: str, code: str) -> str:
    """``kind`` is ``regione``, ``uts`` or ``comune``."""
    return f"{GGID}body/{kind}/{code}"


def source_iri(release: Release) -> str:
    return f"{GGID}source/istat-unita-territoriali-{release.slug}"


def kind_labels() -> dict[str, tuple[str, str]]:
    """Body-kind slug -> (Italian, English) prefLabel, from ontology/vocabularies.ttl."""
    path = resources.folder("ontology") / "vocabularies.ttl"
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        s, o = t.subject, t.object
        if (isinstance(s, ox.NamedNode) and s.value.startswith(BODY_KIND)
                and t.predicate.value == SKOS + "prefLabel" and isinstance(o, ox.Literal)
                and o.language in ("it", "en")):
            found[s.value[len(BODY_KIND):]][o.language] = o.value
    return {k: (v["it"], v["en"]) for k, v in found.items() if {"it", "en"} <= v.keys()}


@dataclass
class Builder:
    """Collects the triples of one release."""

    release: Release
    path: Path
    triples: list[ox.Triple]

    @property
    def source(self) -> ox.NamedNode:
        return ox.NamedNode(source_iri(self.release))

    def add(self, s: str, p: str, o: Term) -> None:
        self.triples.append(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o))

    def body(self, iri: str, kind: str, names: dict[str, str], labels: tuple[str, str]) -> None:
        """A body of a kind, its prefLabel in each language and its rdfs:labels (it, en)."""
        self.add(iri, RDF_TYPE, ox.NamedNode(GG + "Body"))
        self.add(iri, ORG + "classification", ox.NamedNode(BODY_KIND + kind))
        for lang, name in names.items():
            self.add(iri, SKOS + "prefLabel", ox.Literal(name, language=lang))
        self.add(iri, RDFS + "label", ox.Literal(labels[0], language="it"))
        self.add(iri, RDFS + "label", ox.Literal(labels[1], language="en"))
        self.add(iri, PROV + "wasDerivedFrom", self.source)

    def identifier(self, body: str, scheme: str, code: str, name: str) -> None:
        path, concept, label = SCHEMES[scheme]
        iri = f"{GGID}identifier/{path}/{code.lower()}"
        self.add(body, ADMS + "identifier", ox.NamedNode(iri))
        self.add(iri, RDF_TYPE, ox.NamedNode(ADMS + "Identifier"))
        self.add(iri, SKOS + "notation", ox.Literal(code))
        self.add(iri, RDFS + "label", ox.Literal(label.format(code=code, name=name)))
        self.add(iri, DCT + "type", ox.NamedNode(ID_SCHEME + concept))
        self.add(iri, PROV + "wasDerivedFrom", self.source)

    def fail(self, message: str, hint: str, line: int | None = None) -> InputError:
        return InputError(self.path, message, line=line, hint=hint)


def _labels(kinds: dict[str, tuple[str, str]], kind: str, name: str) -> tuple[str, str]:
    """"Bologna (comune)"@it, "Bologna (municipality)"@en: the name and the kind."""
    it, en = kinds[kind]
    return f"{name} ({it[0].lower()}{it[1:]})", f"{name} ({en[0].lower()}{en[1:]})"


def _source(b: Builder, territory: Territory) -> None:
    s, r = b.source.value, b.release
    b.add(s, RDF_TYPE, ox.NamedNode(GG + "SourceDocument"))
    b.add(s, RDF_TYPE, ox.NamedNode(PROV + "Entity"))
    b.add(s, RDF_TYPE, ox.NamedNode(FOAF + "Document"))
    title = "Elenco dei codici e delle denominazioni delle unità territoriali"
    b.add(s, DCT + "title", ox.Literal(title, language="it"))
    b.add(s, RDFS + "label", ox.Literal(f"ISTAT, {title} ({r.name})", language="it"))
    b.add(s, RDFS + "label", ox.Literal(
        f"ISTAT, list of the codes and names of the territorial units ({r.name})", language="en"))
    b.add(s, DCT + "type", ox.NamedNode(GGID + "concept/document-type/dataset"))
    b.add(s, DCT + "type", ox.NamedNode("http://purl.org/dc/dcmitype/Dataset"))
    b.add(s, DCT + "language", ox.NamedNode("http://id.loc.gov/vocabulary/iso639-1/it"))
    b.add(s, DCT + "license", ox.NamedNode(LICENCE))
    b.add(s, DCT + "rights", ox.NamedNode(ISTAT_LEGAL))
    b.add(s, FOAF + "page", ox.NamedNode(ISTAT_PAGE))
    b.add(s, DCT + "identifier", ox.Literal(f"sha256:{r.sha256}"))
    counts = (f"{len(territory.regions)} regions, {len(territory.units)} UTS, "
              f"{len(territory.municipalities)} municipalities")
    if r.package_version is not None:
        b.add(s, DCT + "source", ox.NamedNode(
            f"https://pypi.org/project/{PACKAGE}/{r.package_version}/"))
        b.add(s, PREFIXES["gg"] + "dateNote", ox.Literal(
            f"Il file non indica la data di riferimento dell'elenco: è la copia contenuta nel "
            f"pacchetto {PACKAGE} {r.package_version} (PyPI).", language="it"))
        b.add(s, PREFIXES["gg"] + "dateNote", ox.Literal(
            f"The file does not state the date of the list: it is the copy inside the "
            f"{PACKAGE} {r.package_version} package (PyPI); {counts}.", language="en"))
    else:
        b.add(s, PREFIXES["gg"] + "dateNote", ox.Literal(
            f"Release {r.name} as named by the maintainer who imported it; {counts}.",
            language="en"))
    b.add(s, SKOS + "editorialNote", ox.Literal(
        "ISTAT's legal notice licenses its content under Creative Commons Attribution 3.0 or "
        "later (see dct:rights); the registry uses it under CC BY 4.0. Imported by "
        "`govgraph registry import-istat` (docs/registry.md).", language="en"))


def _nuts_owners(territory: Territory) -> dict[str, tuple[str, str]]:
    """NUTS code -> (body IRI, name) of the region or UTS whose municipalities are exactly those
    with that code (a NUTS-2 code prefers the region); codes matching no unit are left out."""
    by: dict[tuple[str, str], set[str]] = defaultdict(set)
    for m in territory.municipalities:
        by[("region", m.region)].add(m.code)
        by[("uts", m.uts)].add(m.code)
        by[("nuts2", m.nuts2)].add(m.code)
        by[("nuts3", m.nuts3)].add(m.code)
    names = {("region", r.code): r.name for r in territory.regions}
    names |= {("uts", u.code): u.name for u in territory.units}
    owners: dict[str, tuple[str, str]] = {}
    for (level, code), members in sorted(by.items()):
        if not level.startswith("nuts"):
            continue
        kinds = ("region", "uts") if level == "nuts2" else ("uts",)
        for kind in kinds:
            match = [k for k in names if k[0] == kind and by[k] == members]
            if match:
                owners[code] = (body_iri("regione" if kind == "region" else "uts", match[0][1]),
                                names[match[0]])
                break
    return owners


def _check_kind(b: Builder, u: Uts) -> None:
    if u.type not in UTS_KINDS:
        raise b.fail(f"UTS {u.code} ({u.name}) has the unknown type {u.type!r}",
                     hint="add the type to UTS_KINDS in govgraph/registry/territory.py")
    if (u.type == METROPOLITAN) != (int(u.code) > 200):
        raise b.fail(f"UTS {u.code} ({u.name}) has type {u.type}, which does not agree with "
                     "ISTAT's rule that metropolitan cities have codes above 200",
                     hint="check ISTAT's legend of the type column against UTS_KINDS")


def triples(territory: Territory, release: Release, path: Path) -> list[ox.Triple]:
    """Every triple of the release (unsorted; :mod:`govgraph.registry.turtle` orders them)."""
    b = Builder(release, path, [])
    kinds = kind_labels()
    _source(b, territory)
    for r in territory.regions:
        iri = body_iri("regione", r.code)
        b.body(iri, "region", {"it": r.name}, _labels(kinds, "region", r.name))
        b.identifier(iri, "region", r.code, r.name)
    for u in territory.units:
        _check_kind(b, u)
        iri, kind = body_iri("uts", u.code), UTS_KINDS[u.type]
        b.body(iri, kind, {"it": u.name}, _labels(kinds, kind, u.name))
        b.add(iri, WITHIN, ox.NamedNode(body_iri("regione", u.region)))
        b.identifier(iri, "uts", u.code, u.name)
        b.identifier(iri, "province", u.province, u.name)
    for code, (owner, name) in sorted(_nuts_owners(territory).items()):
        b.identifier(owner, "nuts", code, name)
    for m in territory.municipalities:
        iri = body_iri("comune", m.code)
        names = {"it": m.name_it}
        if m.name_other:
            lang = SECOND_LANGUAGE.get(m.uts)
            if lang is None:
                raise b.fail(f"{m.name_it} has a second-language name, {m.name_other!r}, in "
                             f"UTS {m.uts}, whose language the importer does not know",
                             hint="add the UTS to SECOND_LANGUAGE in "
                                  "govgraph/registry/territory.py", line=m.line)
            names[lang] = m.name_other
        b.body(iri, "municipality", names, _labels(kinds, "municipality", m.full_name))
        if m.full_name != m.name_it:
            b.add(iri, SKOS + "altLabel", ox.Literal(m.full_name, language="it"))
        b.add(iri, WITHIN, ox.NamedNode(body_iri("uts", m.uts)))
        b.identifier(iri, "municipality", m.code, m.name_it)
        b.identifier(iri, "cadastral", m.cadastral, m.name_it)
    return b.triples

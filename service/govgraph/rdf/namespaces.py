"""The IRIs govgraph mints and the prefix table every part of the project shares."""

from __future__ import annotations

BASE = "https://w3id.org/govgraph/"
GG = BASE + "ontology#"
ONTOLOGY = BASE + "ontology"
GGID = BASE + "id/"
GGG = BASE + "graph/"
SHAPES = BASE + "shapes#"

#: One prefix table for queries, pages, reports and the service description.
PREFIXES: dict[str, str] = {
    "gg": GG,
    "ggid": GGID,
    "ggs": SHAPES,
    "ggg": GGG,
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "adms": "http://www.w3.org/ns/adms#",
    "oa": "http://www.w3.org/ns/oa#",
    "opengov": "http://www.w3.org/ns/opengov#",
    "cov": "https://w3id.org/italia/onto/COV/",
    "cpv": "https://w3id.org/italia/onto/CPV/",
    "ro": "https://w3id.org/italia/onto/RO/",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
}


def compact(iri: str) -> str:
    """Return ``prefix:local`` for an IRI under a known prefix, else the IRI itself."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    if not best:
        return iri
    local = iri[len(PREFIXES[best]) :]
    if best == "ggid" or not local or any(c in local for c in "/#?:"):
        return iri if best != "ggid" else local
    return f"{best}:{local}"


def expand_id(value: str) -> str:
    """Turn a short id used in the data (``forum/ctssm-bologna``) or a CURIE into a full IRI."""
    if "://" in value or value.startswith("urn:"):
        return value
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return GGID + value.lstrip("/")


def sparql_prologue() -> str:
    """PREFIX declarations for every prefix in :data:`PREFIXES`."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

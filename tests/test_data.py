"""Checks of the instance data in data/: syntax, no blank nodes, provenance,
labels (over data/, whatever it holds), and a few competency questions of the seed cases answered by
SPARQL over their snapshot in tests/fixtures/seed-cases/ (rdflib)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SEED_CASES = ROOT / "tests" / "fixtures" / "seed-cases"

GG = Namespace("https://w3id.org/govgraph/ontology#")
ID = "https://w3id.org/govgraph/id/"
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
DCT = Namespace("http://purl.org/dc/terms/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
TIME = Namespace("http://www.w3.org/2006/time#")

DATA_FILES = sorted(p.name for p in DATA.glob("*.ttl"))
DCAT = Namespace("http://www.w3.org/ns/dcat#")

PREFIXES = """
PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def sparql(g: Graph, body: str) -> set[tuple[object, ...]]:
    """Run a SELECT; `ggid:kind/slug` names (not valid SPARQL prefixed names) become full IRIs."""
    text = re.sub(r"ggid:([A-Za-z0-9/_-]+)", lambda m: f"<{ID}{m.group(1)}>", body)
    return {tuple(row) for row in g.query(PREFIXES + text)}


def iri(path: str) -> URIRef:
    return URIRef(ID + path)


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    for name in DATA_FILES:
        g.parse(DATA / name, format="turtle")
    return g


@pytest.fixture(scope="module")
def seed() -> Graph:
    """The seed cases as in tests/fixtures/seed-cases/ (a snapshot: the competency questions
    below assert their facts, which must not depend on how data/ grows)."""
    g = Graph()
    for path in sorted(SEED_CASES.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def instances(g: Graph, cls: URIRef) -> set[URIRef]:
    """Instances of cls, including the data's own subclass typing (no ontology loaded)."""
    subs = {
        GG.Event: {GG.Event, GG.Session, GG.Establishment, GG.RevisionProcess},
        ORG.Membership: {ORG.Membership, GG.Representation},
    }.get(cls, {cls})
    out: set[URIRef] = set()
    for c in subs:
        out |= {s for s in g.subjects(RDF.type, c) if isinstance(s, URIRef)}
    return out


@pytest.mark.parametrize("name", DATA_FILES)
def test_data_file_parses(name: str) -> None:
    g = Graph()
    g.parse(DATA / name, format="turtle")
    assert len(g) > 0


def test_no_blank_nodes_in_data() -> None:
    for path in sorted(DATA.glob("*.ttl")):
        g = Graph()
        g.parse(path, format="turtle")
        blanks = [t for t in g if isinstance(t[0], BNode) or isinstance(t[2], BNode)]
        assert not blanks, f"{path.name}: blank nodes in {blanks[:3]}"


def test_all_entities_are_under_the_id_namespace(graph: Graph) -> None:
    for s in set(graph.subjects()):
        assert str(s).startswith(ID), f"subject outside {ID}: {s}"


# Quotes are checked against their source texts by `govgraph validate` (tests/test_source_texts.py).


def test_quotes_have_offsets_and_language(graph: Graph) -> None:
    for q in instances(graph, GG.Quote):
        assert graph.value(q, OA.start).datatype == XSD.nonNegativeInteger
        assert graph.value(q, OA.end).datatype == XSD.nonNegativeInteger
        assert int(graph.value(q, OA.start)) < int(graph.value(q, OA.end))


@pytest.mark.parametrize(
    "cls",
    [
        GG.Representation,
        ORG.Membership,
        GG.Coordination,
        GG.Mandate,
        GG.Event,
        GG.Liaison,
        ADMS.Identifier,
    ],
    ids=lambda c: str(c).rsplit("#", 1)[-1],
)
def test_provenance(graph: Graph, cls: URIRef) -> None:
    nodes = instances(graph, cls)
    assert nodes, f"no instances of {cls}"
    sources = set(instances(graph, GG.SourceDocument))
    for n in nodes:
        derived = set(graph.objects(n, PROV.wasDerivedFrom))
        assert derived & sources, f"{n}: no prov:wasDerivedFrom a gg:SourceDocument"
        if cls == ADMS.Identifier:
            continue
        evidence = set(graph.objects(n, GG.evidence))
        assert evidence, f"{n}: no gg:evidence"
        for q in evidence:
            assert (q, RDF.type, GG.Quote) in graph, f"{n}: evidence {q} is not a gg:Quote"
            assert graph.value(q, PROV.wasQuotedFrom) in derived, f"{n}: quote of another source"


def test_sources_have_label_language_and_date(graph: Graph) -> None:
    for s in instances(graph, GG.SourceDocument):
        assert any(isinstance(o, Literal) for o in graph.objects(s, RDFS.label)), s
    for s in set(graph.subjects(DCAT.distribution, None)):  # the sources quoted from
        assert graph.value(s, DCT.language) is not None
        assert graph.value(s, DCT.date) is not None or graph.value(s, GG.dateNote) is not None


def test_bodies_and_forums_have_italian_labels(graph: Graph) -> None:
    nodes = (
        instances(graph, GG.Body)
        | instances(graph, GG.BodyGroup)
        | instances(graph, ORG.OrganizationalUnit)
        | instances(graph, GG.Forum)
    )
    assert len(nodes) > 20
    for n in nodes:
        labels = list(graph.objects(n, SKOS.prefLabel)) + list(graph.objects(n, RDFS.label))
        assert any(isinstance(x, Literal) and x.language == "it" for x in labels), n


def test_memberships_with_start_date_have_an_interval(graph: Graph) -> None:
    for m in instances(graph, ORG.Membership):
        if graph.value(m, GG.startDate) is None:
            continue
        interval = graph.value(m, ORG.memberDuring)
        assert isinstance(interval, URIRef), m
        beginning = graph.value(interval, TIME.hasBeginning)
        assert isinstance(beginning, URIRef), interval
        assert graph.value(beginning, TIME.inXSDgYearMonth) == graph.value(m, GG.startDate)


# --- competency questions -----------------------------------------------------------------


def test_valenti_represents_ctssm_cm_and_comune_as_coordinator(seed: Graph) -> None:
    graph = seed
    rows = sparql(
        graph,
        """
        SELECT ?principal WHERE {
          ?r a gg:Representation ; org:member ggid:person/danila-valenti ;
             org:organization ggid:forum/gruppo-tecnico-ctssm-bologna ;
             org:role ggid:concept/role/coordinator ; gg:onBehalfOf ?principal .
        }""",
    )
    assert {r[0] for r in rows} == {
        iri("forum/ctssm-bologna"),
        iri("body/citta-metropolitana-bologna"),
        iri("body/comune-bologna"),
    }
    coordinators = sparql(
        graph,
        """
        SELECT ?who WHERE { ?c a gg:Coordination ;
          gg:coordinatedForum ggid:forum/gruppo-tecnico-ctssm-bologna ; gg:coordinator ?who ;
          gg:seat ?seat . ?seat org:member ?who . }""",
    )
    assert {r[0] for r in coordinators} == {iri("person/danila-valenti")}


def test_political_group_has_nine_member_bodies(seed: Graph) -> None:
    graph = seed
    rows = sparql(
        graph,
        """
        SELECT DISTINCT ?body WHERE {
          ?m a org:Membership ; org:organization ggid:forum/gruppo-di-lavoro-ctssm-bologna ;
             org:member ?body ; org:role ggid:concept/role/member ;
             gg:startDate "2022-04"^^xsd:gYearMonth .
        }""",
    )
    bodies = {r[0] for r in rows}
    assert bodies == {
        iri("forum/ctssm-bologna"),
        iri("body/citta-metropolitana-bologna"),
        iri("body/comune-bologna"),
        iri("body/universita-bologna"),
        iri("body/regione-emilia-romagna"),
        iri("body/ausl-bologna"),
        iri("body/ausl-imola"),
        iri("body/irccs-policlinico-sant-orsola"),
        iri("body/istituto-ortopedico-rizzoli"),
    }
    assert (
        iri("forum/gruppo-di-lavoro-ctssm-bologna"),
        GG.partOfForum,
        iri("forum/ctssm-bologna"),
    ) in graph


def test_technical_group_seats(seed: Graph) -> None:
    graph = seed
    rows = sparql(
        graph,
        """
        SELECT ?agent ?principal WHERE {
          ?r a gg:Representation ; org:organization ggid:forum/gruppo-tecnico-ctssm-bologna ;
             org:member ?agent ; gg:onBehalfOf ?principal .
        }""",
    )
    pairs = {(r[0], r[1]) for r in rows}
    assert (iri("person/luca-baldino"), iri("body/regione-emilia-romagna")) in pairs
    assert (iri("person/gianluca-fiorentini"), iri("body/universita-bologna")) in pairs
    assert (
        iri("post/direttori-generali-aziende-sanitarie-metropolitane-bologna"),
        iri("body/aziende-sanitarie-area-metropolitana-bologna"),
    ) in pairs
    # the seed gives no start date for the technical group's seats
    for m in graph.subjects(ORG.organization, iri("forum/gruppo-tecnico-ctssm-bologna")):
        assert graph.value(m, GG.startDate) is None, m


def test_mandate(seed: Graph) -> None:
    graph = seed
    m = iri("mandate/studio-innovazione-ctssm-bologna-2022")
    assert graph.value(m, GG.dueDate) == Literal("2022-12", datatype=XSD.gYearMonth)
    assert graph.value(m, GG.assignedTo) == iri("forum/gruppo-tecnico-ctssm-bologna")
    assert graph.value(m, GG.status) == iri("concept/mandate-status/assigned")
    assert graph.value(m, GG.issuedBy) is None  # the seed does not say who appointed them


def test_cabina_di_regia_has_four_member_bodies(seed: Graph) -> None:
    graph = seed
    rows = sparql(
        graph,
        """
        SELECT DISTINCT ?body WHERE {
          ?m a org:Membership ;
             org:organization ggid:forum/cabina-di-regia-tavolo-competitivita-cremona ;
             org:member ?body .
        }""",
    )
    assert {r[0] for r in rows} == {
        iri("body/camera-di-commercio-cremona"),
        iri("body/comune-cremona"),
        iri("body/comune-crema"),
        iri("body/comune-casalmaggiore"),
    }


def test_tavolo_has_five_thematic_tables(seed: Graph) -> None:
    graph = seed
    rows = sparql(
        graph,
        """
        SELECT DISTINCT ?t WHERE {
          ?t gg:partOfForum ggid:forum/tavolo-competitivita-cremona ;
             org:classification ggid:concept/forum-kind/thematic-table .
        }""",
    )
    assert len({r[0] for r in rows}) == 5
    coordination = sparql(
        graph,
        """
        SELECT ?who ?with WHERE { ?c a gg:Coordination ;
          gg:coordinatedForum
            ggid:forum/tavolo-tematico-sistema-socio-sanitario-territoriale-cremona ;
          gg:coordinator ?who ; gg:inAgreementWith ?with . }""",
    )
    assert {(r[0], r[1]) for r in coordination} == {
        (iri("body/provincia-cremona"), iri("forum/cabina-di-regia-tavolo-competitivita-cremona"))
    }


def test_dates_keep_their_precision(seed: Graph) -> None:
    graph = seed
    expected = {
        "event/ctssm-bologna-gruppo-di-lavoro-costituzione-2022-04": ("2022-04", XSD.gYearMonth),
        "event/cremona-riunione-propedeutica-2017-09": ("2017-09", XSD.gYearMonth),
        "event/cremona-avvio-lavori-concertazione-2018-07": ("2018-07", XSD.gYearMonth),
        "event/cremona-attivita-tavoli-tematici-2019": ("2019", XSD.gYear),
    }
    for path, (lexical, dt) in expected.items():
        assert graph.value(iri(path), GG.date) == Literal(lexical, datatype=dt), path
    # undated events carry a note instead of a date
    for e in instances(graph, GG.Event):
        assert graph.value(e, GG.date) is not None or graph.value(e, GG.dateNote) is not None, e


def test_unverified_facts_are_not_asserted(seed: Graph) -> None:
    graph = seed
    casalmaggiore = iri("body/comune-casalmaggiore")
    assert graph.value(casalmaggiore, SKOS.closeMatch) is None
    assert graph.value(casalmaggiore, SKOS.exactMatch) is None


# --- the audit of issue 17: each corrected statement, on the shipped data ------------------


def test_mandate_is_not_linked_to_the_priority_areas(graph: Graph) -> None:
    """Fix 1: the seed does not say the study covers the working group's priority areas."""
    m = iri("mandate/studio-innovazione-ctssm-bologna-2022")
    assert set(graph.objects(m, DCT.subject)) == set()
    assert any("interpretation" in str(n) for n in graph.objects(m, SKOS.editorialNote))


def test_masterplan_is_presented_by_the_association_through_the_studio(graph: Graph) -> None:
    """Fix 2: 'presentato dall'Associazione Industriali ... attraverso lo Studio Ambrosetti'."""
    plan = iri("instrument/masterplan-3c")
    assert graph.value(plan, GG.preparedBy) is None
    assert graph.value(plan, GG.presentedBy) == iri("body/associazione-industriali-cremona")
    assert graph.value(plan, GG.presentedThrough) == iri("body/studio-ambrosetti")


def test_the_secretariat_is_no_membership(graph: Graph) -> None:
    """Fix 3: the Struttura Tecnica carries out the secretariat; it is not a member."""
    unit = iri("body/struttura-tecnica-metropolitana-ctssm-bologna")
    forum = iri("forum/gruppo-tecnico-ctssm-bologna")
    seats = [m for m in graph.subjects(ORG.member, unit)
             if graph.value(m, ORG.organization) == forum]
    assert seats == []
    rows = sparql(graph, """
        SELECT ?s ?quote WHERE { ?s a gg:Secretariat ;
          gg:secretariatOf ggid:forum/gruppo-tecnico-ctssm-bologna ;
          gg:secretariatProvider ggid:body/struttura-tecnica-metropolitana-ctssm-bologna ;
          gg:evidence/prov:value ?quote . }""")
    assert rows and all("segreteria" in str(r[1]) for r in rows)


def test_studio_ambrosetti_has_no_unsourced_kind(graph: Graph) -> None:
    """Fix 4a: nothing in the seeds says what kind of organisation the Studio Ambrosetti is."""
    studio = iri("body/studio-ambrosetti")
    assert graph.value(studio, ORG.classification) is None
    assert (studio, RDF.type, GG.Body) not in graph


def test_the_cremona_release_has_an_author_not_a_publisher(graph: Graph) -> None:
    """Fix 4b: 'Redattore: Ufficio stampa Provincia Cremona' names the author (dct:creator); the
    statement about the press office rests on that line and on its source."""
    source = iri("source/provincia-cremona-tavolo-socio-sanitario")
    office = iri("body/ufficio-stampa-provincia-cremona")
    assert graph.value(source, DCT.publisher) is None
    assert graph.value(source, DCT.creator) == office
    assert source in set(graph.objects(office, PROV.wasDerivedFrom))
    quotes = [graph.value(q, PROV.value) for q in graph.objects(office, GG.evidence)]
    assert any(str(q).startswith("Redattore:") for q in quotes)


def test_the_pandemic_clause_on_the_revision_is_modelled(graph: Graph) -> None:
    """Fix 5: the clause on the pandemic and the answers to citizens, with its quote."""
    revision = iri("event/revisione-lr-lombardia-2015-23")
    quotes = {str(graph.value(q, PROV.value)) for q in graph.objects(revision, GG.evidence)}
    assert any("nuovi modelli di risposte ai cittadini" in q for q in quotes)
    notes = {n.language: str(n) for n in graph.objects(revision, SKOS.note)
             if isinstance(n, Literal)}
    assert "ordine sparso" in notes["it"] and "citizens" in notes["en"]


EXTERNAL_FACTS = (SKOS.closeMatch, SKOS.exactMatch, SKOS.broadMatch, SKOS.narrowMatch,
                  SKOS.relatedMatch, SKOS.altLabel, SKOS.scopeNote, SKOS.historyNote)


def _text_files(graph: Graph) -> dict[URIRef, Path]:
    """Each source document with a text in the repository: the file its distribution names."""
    out = {}
    for source in instances(graph, GG.SourceDocument):
        for dist in graph.objects(source, DCAT.distribution):
            name = graph.value(dist, GG.textFile)
            if name is not None:
                out[source] = (DATA / str(name)).resolve()
    return out


def _seed_texts(graph: Graph) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in _text_files(graph).values())


def test_facts_from_outside_the_seeds_carry_their_source(graph: Graph) -> None:
    """Fix 6: on a node with no prov:wasDerivedFrom of its own, a mapping to an outside IRI, an
    alternative label no seed contains, or a scope or history note is described by an
    rdf:Statement that names its gg:SourceDocument."""
    seeds = _seed_texts(graph)
    sources = instances(graph, GG.SourceDocument)
    described = {
        (graph.value(st, RDF.subject), graph.value(st, RDF.predicate), graph.value(st, RDF.object))
        for st in graph.subjects(RDF.type, RDF.Statement)
        if set(graph.objects(st, PROV.wasDerivedFrom)) & sources
    }
    assert described
    missing = []
    for s, p, o in graph.triples((None, None, None)):
        if p not in EXTERNAL_FACTS or graph.value(s, PROV.wasDerivedFrom) is not None:
            continue
        if isinstance(o, URIRef) and str(o).startswith(ID):
            continue
        if p == SKOS.altLabel and str(o) in seeds:
            continue
        if (s, p, o) not in described:
            missing.append(f"{s} {p} {o}")
    assert not missing, "without a source:\n" + "\n".join(missing)
    # the university's alternative name is one of them
    assert (iri("body/universita-bologna"), SKOS.altLabel,
            Literal("Alma Mater Studiorum", lang="it")) in described


def test_plenary_date_note_keeps_the_order_of_events(graph: Graph) -> None:
    """Fix 7: the plenary followed the preparatory meeting of September 2017 (both notes)."""
    plenary = iri("event/cremona-seduta-plenaria-tavolo-competitivita")
    notes = {n.language: str(n) for n in graph.objects(plenary, GG.dateNote)
             if isinstance(n, Literal)}
    assert "dopo la prima riunione propedeutica" in notes["it"]
    assert "followed the first preparatory meeting" in notes["en"]


def test_the_bologna_province_code_says_it_is_the_former_province(graph: Graph) -> None:
    """Fix 8: 037 is the historic code of the former Provincia di Bologna."""
    code = iri("identifier/istat-province/037")
    assert code in set(graph.objects(iri("body/citta-metropolitana-bologna"), ADMS.identifier))
    assert "ex Provincia di Bologna" in str(graph.value(code, RDFS.label))
    notes = {n.language: str(n) for n in graph.objects(code, SKOS.scopeNote)
             if isinstance(n, Literal)}
    assert "Codice storico della Provincia di Bologna" in notes["it"]
    assert "not the metropolitan city's own code" in notes["en"]


def _spans(mask: list[bool]) -> list[tuple[int, int]]:
    out, start = [], None
    for i, covered in enumerate([*mask, True]):
        if not covered and start is None:
            start = i
        elif covered and start is not None:
            out.append((start, i))
            start = None
    return out


def test_every_sentence_of_a_seed_is_covered_by_a_quote(graph: Graph) -> None:
    """The parts of each source text that no gg:Quote covers: only whitespace and punctuation,
    and the passages the source itself declares gg:boilerplate (headers, service lines)."""
    checked = 0
    for source, path in sorted(_text_files(graph).items()):
        text = path.read_bytes().decode("utf-8")
        mask = [False] * len(text)
        for q in graph.subjects(PROV.wasQuotedFrom, source):
            for i in range(int(graph.value(q, OA.start)), int(graph.value(q, OA.end))):
                mask[i] = True
        for passage in graph.objects(source, GG.boilerplate):
            found = [m.start() for m in re.finditer(re.escape(str(passage)), text)]
            assert found, f"{source}: gg:boilerplate {str(passage)!r} is not in {path.name}"
            for at in found:
                mask[at : at + len(str(passage))] = [True] * len(str(passage))
        uncovered = [f"{a}-{b}: {text[a:b]!r}" for a, b in _spans(mask)
                     if re.search(r"\w", text[a:b])]
        assert not uncovered, f"{path.name}: no quote covers\n" + "\n".join(uncovered)
        checked += 1
    assert checked, "no source with a text in the repository"

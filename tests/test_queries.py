"""The named query library (queries/*.rq) against the seed cases (tests/fixtures/seed-cases/).

For every query: the competency questions of the seed press releases, asserted by IRI and by
label; parameters (missing = no filter, bad values, injection attempts); the header contract.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from govgraph.querying import queries
from govgraph.querying.queries import QueryError
from govgraph.rdf import sources
from govgraph.rdf.namespaces import GG, PREFIXES
from govgraph.rdf.namespaces import GGID as ID
from govgraph.rdf.store import load_store

# --- the entities of the seeds ------------------------------------------------------------
CTSSM = ID + "forum/ctssm-bologna"
GRUPPO = ID + "forum/gruppo-di-lavoro-ctssm-bologna"
TECNICO = ID + "forum/gruppo-tecnico-ctssm-bologna"
CM_BO = ID + "body/citta-metropolitana-bologna"
COMUNE_BO = ID + "body/comune-bologna"
UNIBO = ID + "body/universita-bologna"
RER = ID + "body/regione-emilia-romagna"
AZIENDE = ID + "body/aziende-sanitarie-area-metropolitana-bologna"
VALENTI = ID + "person/danila-valenti"
BALDINO = ID + "person/luca-baldino"
FIORENTINI = ID + "person/gianluca-fiorentini"
DG_POST = ID + "post/direttori-generali-aziende-sanitarie-metropolitane-bologna"
VALENTI_SEAT = ID + "representation/valenti-gruppo-tecnico-ctssm-bologna"
COORDINATOR = ID + "concept/role/coordinator"
SRC_BO = ID + "source/ctssm-bologna-2022-06"
NINE = {
    CTSSM, CM_BO, COMUNE_BO, UNIBO, RER, ID + "body/ausl-bologna", ID + "body/ausl-imola",
    ID + "body/irccs-policlinico-sant-orsola", ID + "body/istituto-ortopedico-rizzoli",
}
TAVOLO = ID + "forum/tavolo-competitivita-cremona"
CABINA = ID + "forum/cabina-di-regia-tavolo-competitivita-cremona"
QUINTO = ID + "forum/tavolo-tematico-sistema-socio-sanitario-territoriale-cremona"
PROV_CR = ID + "body/provincia-cremona"

ALL = sorted(queries.library())
EXPECTED = {"representations", "forum-members", "coordination", "mandates", "body-forums",
            "multi-principal-agents", "forum-tree", "statement-sources", "timeline",
            "office-holders", "elections", "appointments", "forum-profile"}
#: Values that make every required parameter of a query bound, for "runs on the data" tests.
REQUIRED = {
    "forum-members": {"forum": "forum/gruppo-di-lavoro-ctssm-bologna"},
    "body-forums": {"body": "body/comune-bologna"},
    "statement-sources": {"node": "representation/valenti-gruppo-tecnico-ctssm-bologna"},
    "forum-profile": {"forum": "forum/ctssm-bologna"},
    "municipalities": {"unit": "body/uts/237"},
    "municipality-region": {"municipality": "body/comune/037006"},
    "municipality-coverage": {"municipality": "body/comune/017133"},
    "covered-municipalities": {"covering": "body/asst-franciacorta"},
    "trust-forums": {"trust": "body/asst-franciacorta"},
}
#: The valid fixtures of tests/fixtures/phrases (one per construct of issue 15), loaded next to
#: the shipped data so every query has rows to return whatever the shipped cases hold.
PHRASES = sorted((Path(__file__).resolve().parent / "fixtures" / "phrases").glob("*.ttl"))


SEED_CASES = Path(__file__).resolve().parent / "fixtures" / "seed-cases"


@pytest.fixture(scope="module")
def store():
    """The ontology and the seed cases' snapshot (tests/fixtures/seed-cases/): the competency
    answers below are facts of those cases, not of whatever data/ holds now."""
    return load_store(sources.shipped(data=False) +
                      [sources.SourceFile.of(p) for p in sorted(SEED_CASES.glob("*.ttl"))])


@pytest.fixture(scope="module")
def store_with_phrases():
    return load_store(sources.shipped() + [sources.SourceFile.of(p) for p in PHRASES])


def run(store, name: str, **params: str) -> list[dict[str, str]]:
    """Rows of a named query as dicts of variable -> lexical value (IRI text or literal)."""
    result = queries.run_named_query(store, queries.get(name), params)
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row = {}
        for n in names:
            term = solution[n]
            if term is not None:
                row[n] = term.value
        rows.append(row)
    return rows


def col(rows, name):
    return [r.get(name) for r in rows]


# === the library as a whole ================================================================

def test_every_query_is_there():
    assert EXPECTED <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_header(name):
    q = queries.get(name)
    assert q.title and q.title != name
    assert len(q.description) > 40
    assert q.examples and all(e.startswith(f"govgraph query {name}") for e in q.examples)
    for p in q.params:
        assert p.description
        assert p.type in queries.PARAM_TYPES


@pytest.mark.parametrize("name", ALL)
def test_every_param_is_used_in_the_query_text(name):
    q = queries.get(name)
    body = "\n".join(line for line in q.sparql.splitlines() if not line.lstrip().startswith("#"))
    for p in q.params:
        assert re.search(rf"\?{p.name}\b", body), f"{name}: ?{p.name} is not used"


@pytest.mark.parametrize("name", ALL)
def test_query_declares_its_own_prefixes(name):
    # Parsed by a bare store with no predeclared prefixes: copyable into any SPARQL client.
    ox.Store().query(queries.get(name).sparql)


@pytest.mark.parametrize("name", ALL)
def test_every_query_runs_on_the_data(store_with_phrases, name):
    rows = run(store_with_phrases, name, **REQUIRED.get(name, {}))
    assert rows, f"{name} returned nothing on the shipped data and the phrase fixtures"


@pytest.mark.parametrize("name", ALL)
def test_labels_next_to_iris(store_with_phrases, name):
    """Every ?x that holds a ggid: IRI with a label in the data has ?xLabel filled."""
    store = store_with_phrases
    result = queries.run_named_query(store, queries.get(name), REQUIRED.get(name, {}))
    names = {v.value for v in result.variables}
    for sol in result:
        for n in names:
            labelled = f"ASK {{ <{sol[n].value}> rdfs:label|skos:prefLabel|foaf:name ?l }}" \
                if sol[n] is not None else ""
            if f"{n}Label" in names and sol[n] is not None and sol[n].value.startswith(ID) \
                    and store.query(labelled):
                assert sol[f"{n}Label"] is not None, f"{name}: ?{n}={sol[n].value} has no label"


# === parameters ==============================================================================

def test_missing_required_param(store):
    with pytest.raises(QueryError) as err:
        run(store, "forum-members")
    assert err.value.param == "forum"


@pytest.mark.parametrize("params, bad", [
    ({"as_of": "yesterday"}, "as_of"),
    ({"as_of": "2022-13-01"}, "as_of"),
    ({"include_memberships": "perhaps"}, "include_memberships"),
    ({"colour": "red"}, "colour"),
])
def test_bad_param_names_the_parameter(store, params, bad):
    with pytest.raises(QueryError) as err:
        run(store, "representations", **params)
    assert err.value.param == bad
    assert bad in str(err.value)


def test_bad_integer(store):
    with pytest.raises(QueryError, match="min_principals"):
        run(store, "multi-principal-agents", min_principals="many")


INJECTIONS = [
    "forum/x> } UNION { ?s ?p ?o",
    "forum/x>}UNION{?s?p?o",
    "https://w3id.org/govgraph/id/forum/x%3E%20%7D%20UNION%20%7B%20?s%20?p%20?o",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_iri_injection_is_never_spliced(store, value):
    """An IRI parameter is one RDF term: a value that is not an IRI is refused, naming the
    parameter; one that is (percent-encoded) matches nothing."""
    try:
        rows = run(store, "representations", forum=value)
    except QueryError as err:
        assert err.param == "forum"
    else:
        assert rows == []


@pytest.mark.parametrize("value", ['x" } UNION { ?s ?p ?o } #', "Valenti\" ) || true || (\"",
                                   "x' } UNION { ?node ?p ?o"])
def test_string_injection_is_bound_as_a_literal(store, value):
    rows = run(store, "statement-sources", node=VALENTI_SEAT, text=value)
    assert rows == []


def test_short_ids_and_full_iris_are_the_same(store):
    assert run(store, "representations", forum="forum/gruppo-tecnico-ctssm-bologna") == \
        run(store, "representations", forum=TECNICO)


# === representations ========================================================================

def test_representations_technical_group(store):
    rows = run(store, "representations", forum="forum/gruppo-tecnico-ctssm-bologna")
    by_agent: dict[str, set[str]] = {}
    for r in rows:
        assert r["forum"] == TECNICO and r["forumLabel"] == "Gruppo di lavoro tecnico"
        assert r["source"] == SRC_BO and r["quote"]
        by_agent.setdefault(r["agent"], set()).add(r["principal"])
    assert by_agent == {
        VALENTI: {CTSSM, CM_BO, COMUNE_BO},
        BALDINO: {RER},
        FIORENTINI: {UNIBO},
        DG_POST: {AZIENDE},
    }


def test_representations_valenti_by_label(store):
    rows = run(store, "representations", agent="person/danila-valenti")
    assert len(rows) == 3
    assert {r["principalLabel"] for r in rows} == {
        "Conferenza territoriale sociale e sanitaria metropolitana di Bologna",
        "Città metropolitana di Bologna", "Comune di Bologna"}
    for r in rows:
        assert r["agentLabel"] == "Danila Valenti"
        assert r["role"] == COORDINATOR and r["roleLabel"] == "Coordinatore"
        assert "Danila Valenti" in r["quote"]


def test_representations_others_by_label(store):
    rows = run(store, "representations", forum=TECNICO)
    pairs = {(r["agentLabel"], r["principalLabel"]) for r in rows}
    assert ("Luca Baldino", "Regione Emilia-Romagna") in pairs
    assert ("Gianluca Fiorentini", "Università di Bologna") in pairs
    assert ("Direttori Generali delle Aziende sanitarie metropolitane",
            "Aziende sanitarie dell’area metropolitana") in pairs


def test_representations_principal_filter(store):
    rows = run(store, "representations", principal="body/comune-bologna")
    assert {(r["agent"], r["forum"]) for r in rows} == {(VALENTI, TECNICO)}
    rows = run(store, "representations", principal="body/comune-bologna",
               include_memberships="true")
    assert {(r["agent"], r["forum"]) for r in rows} == {
        (VALENTI, TECNICO), (COMUNE_BO, GRUPPO), (COMUNE_BO, TECNICO)}


def test_representations_memberships_only_on_request(store):
    plain = run(store, "representations", forum=GRUPPO)
    assert plain == []
    rows = run(store, "representations", forum=GRUPPO, include_memberships="true")
    assert {r["principal"] for r in rows} == NINE
    for r in rows:
        assert r["agent"] == r["principal"]
        assert r["seatType"] == "http://www.w3.org/ns/org#Membership"
        assert r["start"] == "2022-04"


@pytest.mark.parametrize("as_of, expected", [
    ("2022-05-10", 9),   # within seats starting "2022-04"
    ("2022-04-01", 9),   # same month as the start: the common prefix is equal
    ("2030-01-01", 9),   # no end date: still valid
    ("2022-03-31", 0),   # before the group was set up
    ("2021-06-15", 0),
])
def test_representations_as_of_on_real_dates(store, as_of, expected):
    rows = run(store, "representations", forum=GRUPPO, include_memberships="true", as_of=as_of)
    assert len(rows) == expected


def test_representations_as_of_keeps_undated_seats(store):
    # The technical group's seats have no dates in the source: kept whatever the date.
    for as_of in ("2000-01-01", "2022-06-30"):
        rows = run(store, "representations", forum=TECNICO, as_of=as_of)
        assert {r["agent"] for r in rows} == {VALENTI, BALDINO, FIORENTINI, DG_POST}


def test_representations_unknown_forum_is_empty(store):
    assert run(store, "representations", forum="forum/no-such-forum") == []


# === forum-members ==========================================================================

def test_forum_members_political_group_is_the_nine_bodies(store):
    rows = run(store, "forum-members", forum="forum/gruppo-di-lavoro-ctssm-bologna")
    assert {r["body"] for r in rows} == NINE
    assert len(rows) == 9
    assert all("via" not in r for r in rows)
    labels = {r["bodyLabel"] for r in rows}
    assert {"Comune di Bologna", "Ausl di Imola", "Istituto Ortopedico Rizzoli",
            "IRCCS Policlinico Universitario Sant’Orsola"} <= labels


def test_forum_members_subforums(store):
    assert run(store, "forum-members", forum=CTSSM) == []
    rows = run(store, "forum-members", forum=CTSSM, include_subforums="true")
    assert NINE <= {r["body"] for r in rows}
    assert {r["inForum"] for r in rows} == {GRUPPO}
    assert all(r["forum"] == CTSSM for r in rows)


def test_forum_members_through_representatives(store):
    rows = run(store, "forum-members", forum=TECNICO)
    via = {(r["body"], r.get("via")) for r in rows}
    assert (COMUNE_BO, VALENTI) in via and (CM_BO, VALENTI) in via and (CTSSM, VALENTI) in via
    assert (RER, BALDINO) in via and (UNIBO, FIORENTINI) in via and (AZIENDE, DG_POST) in via
    assert (COMUNE_BO, None) in via   # also a member in its own right
    assert any(r.get("viaLabel") == "Danila Valenti" and r["bodyLabel"] == "Comune di Bologna"
               for r in rows)


def test_forum_members_cabina_di_regia(store):
    rows = run(store, "forum-members", forum=CABINA)
    assert {r["bodyLabel"] for r in rows} == {
        "Camera di Commercio di Cremona", "Comune di Cremona", "Comune di Crema",
        "Comune di Casalmaggiore"}


# === coordination ===========================================================================

def test_coordination_fifth_cremona_table(store):
    rows = run(store, "coordination", forum=QUINTO)
    assert len(rows) == 1
    r = rows[0]
    assert r["coordinator"] == PROV_CR and r["coordinatorLabel"] == "Provincia di Cremona"
    assert r["inAgreementWith"] == CABINA and r["inAgreementWithLabel"] == "Cabina di Regia"
    assert r["forumLabel"] == "Sistema socio sanitario territoriale"
    for member in ("Camera di Commercio di Cremona", "Comune di Crema"):
        assert member in r["inAgreementWithMembers"]
    assert "Provincia di Cremona" in r["quote"]
    assert r["source"] == ID + "source/provincia-cremona-tavolo-socio-sanitario"


def test_coordination_technical_group(store):
    rows = run(store, "coordination", coordinator="person/danila-valenti")
    assert {r["forum"] for r in rows} == {TECNICO}
    assert rows[0]["seat"] == VALENTI_SEAT
    assert "Comune di Bologna" in rows[0]["principals"]


def test_coordination_without_filter_lists_both(store):
    assert {r["forum"] for r in run(store, "coordination")} == {TECNICO, QUINTO}


# === mandates ===============================================================================

def test_mandates_study(store):
    rows = run(store, "mandates", forum="forum/gruppo-tecnico-ctssm-bologna")
    assert len(rows) == 1
    r = rows[0]
    assert r["mandate"] == ID + "mandate/studio-innovazione-ctssm-bologna-2022"
    assert r["dueDate"] == "2022-12"
    # the seed does not say the study covers the group's priority areas: none, and no count
    assert "priorityAreaCount" not in r and "priorityAreas" not in r
    assert r["forum"] == TECNICO and r["forumLabel"] == "Gruppo di lavoro tecnico"
    assert r["status"] == ID + "concept/mandate-status/assigned"
    assert r["deliverable"].startswith("uno studio approfondito")
    assert r["source"] == SRC_BO and "entro dicembre" in r["quote"]


def test_mandates_other_forum_is_empty(store):
    assert run(store, "mandates", forum=GRUPPO) == []
    assert len(run(store, "mandates")) >= 1


# === body-forums ============================================================================

def test_body_forums_comune_di_bologna(store):
    rows = run(store, "body-forums", body="body/comune-bologna")
    assert {r["forum"] for r in rows} == {GRUPPO, TECNICO}
    assert {r["forumLabel"] for r in rows} == {"Gruppo di lavoro della CTSSM",
                                               "Gruppo di lavoro tecnico"}
    assert any(r["how"] == "represented" and r["via"] == VALENTI for r in rows)
    assert all(r["bodyLabel"] == "Comune di Bologna" for r in rows)


def test_body_forums_provincia_cremona_coordinates(store):
    rows = run(store, "body-forums", body=PROV_CR)
    assert any(r["how"] == "coordinator" and r["forum"] == QUINTO for r in rows)


# === multi-principal-agents =================================================================

def test_multi_principal_agents_valenti(store):
    rows = run(store, "multi-principal-agents")
    by_agent = {r["agent"]: r for r in rows}
    assert VALENTI in by_agent
    v = by_agent[VALENTI]
    assert v["principalCount"] == "3" and v["agentLabel"] == "Danila Valenti"
    assert set(v["principalIris"].split()) == {CTSSM, CM_BO, COMUNE_BO}
    assert "Comune di Bologna" in v["principals"]
    assert BALDINO not in by_agent and FIORENTINI not in by_agent


def test_multi_principal_agents_threshold(store):
    assert {r["agent"] for r in run(store, "multi-principal-agents", min_principals="3")} \
        >= {VALENTI}
    assert run(store, "multi-principal-agents", min_principals="4") == []
    assert BALDINO in {r["agent"] for r in run(store, "multi-principal-agents",
                                               min_principals="1")}


# === forum-tree =============================================================================

def test_forum_tree_tavolo_della_competitivita(store):
    rows = run(store, "forum-tree", root="forum/tavolo-competitivita-cremona")
    parts = [r for r in rows if r.get("parent") == TAVOLO]
    kinds = {}
    for r in parts:
        kinds.setdefault(r["kind"], set()).add(r["forum"])
    thematic = kinds[ID + "concept/forum-kind/thematic-table"]
    assert len(thematic) == 5 and QUINTO in thematic
    assert CABINA in {r["forum"] for r in parts}
    assert len(parts) == 6
    assert {r["forum"] for r in rows} == {TAVOLO} | {r["forum"] for r in parts}
    root = next(r for r in rows if r["forum"] == TAVOLO)
    assert root["depth"] == "0" and root["forumLabel"] == "Tavolo della Competitività"
    assert all(r["depth"] == "1" for r in parts)
    assert {r["forumLabel"] for r in parts} >= {"Cabina di Regia", "Infrastrutture",
                                                "Sistema socio sanitario territoriale"}


def test_forum_tree_all_and_ctssm(store):
    rows = run(store, "forum-tree")
    assert {CTSSM, GRUPPO, TECNICO, TAVOLO, CABINA, QUINTO} <= {r["forum"] for r in rows}
    tech = next(r for r in rows if r["forum"] == TECNICO)
    assert tech["supports"] == GRUPPO
    rows = run(store, "forum-tree", root=CTSSM)
    assert {r["forum"] for r in rows} == {CTSSM, GRUPPO}


def test_forum_tree_root_label_only_with_root(store):
    assert not any("rootLabel" in r or "root" in r for r in run(store, "forum-tree"))
    rows = run(store, "forum-tree", root="forum/tavolo-competitivita-cremona")
    assert len(rows) == 7
    assert {(r["root"], r["rootLabel"]) for r in rows} == {(TAVOLO, "Tavolo della Competitività")}


# === statement-sources ======================================================================

def test_statement_sources_valenti(store):
    rows = run(store, "statement-sources",
               node="representation/valenti-gruppo-tecnico-ctssm-bologna")
    assert rows
    quoted = [r for r in rows if "quote" in r]
    assert quoted and all(r["source"] == SRC_BO for r in quoted)
    assert any("Danila Valenti" in r["quote"] for r in quoted)
    assert quoted[0]["sourceLabel"].startswith("Comunicato stampa")
    assert int(quoted[0]["start"]) < int(quoted[0]["end"])


def test_statement_sources_text_filter(store):
    every = run(store, "statement-sources", node=TECNICO)
    rows = run(store, "statement-sources", node=TECNICO, text="COMPOSTO da")
    assert rows and len(rows) < len(every)
    assert all("composto da rappresentanti" in r["quote"] for r in rows)
    rows = run(store, "statement-sources", node=VALENTI_SEAT, text="danila valenti")
    assert len(rows) == 1 and "Danila Valenti" in rows[0]["quote"]
    assert run(store, "statement-sources", node=TECNICO, text="Cremona") == []


def test_statement_sources_entity_mentioned(store):
    rows = run(store, "statement-sources", node=COMUNE_BO)
    assert SRC_BO in {r["source"] for r in rows}


# === timeline ===============================================================================

def test_timeline_order(store):
    rows = run(store, "timeline")
    dates = [r.get("date") for r in rows]
    for d in ("2017-09", "2018-07", "2019"):
        assert d in dates
    assert dates.index("2017-09") < dates.index("2018-07") < dates.index("2019")
    # undated events last, each with its date note
    first_undated = next(i for i, d in enumerate(dates) if d is None)
    assert all(d is None for d in dates[first_undated:])
    assert all(r.get("dateNote") for r in rows[first_undated:])
    assert all(r.get("eventLabel") and r.get("source") and r.get("type") for r in rows)


def test_timeline_types_and_forum(store):
    rows = run(store, "timeline")
    by_event = {r["event"]: r for r in rows}
    est = by_event[ID + "event/ctssm-bologna-gruppo-di-lavoro-costituzione-2022-04"]
    assert est["type"] == GG + "Establishment" and est["concernedForum"] == CTSSM
    assert est["date"] == "2022-04"
    cr = run(store, "timeline", forum=TAVOLO)
    assert cr and all("cremona" in r["event"] or "lombardia" in r["event"] for r in cr)
    assert {r.get("date") for r in cr} >= {"2017-09", "2018-07"}


def test_timeline_classes_named_or_declared():
    """The named event classes count without the ontology; a declared subclass counts too."""
    data_only = [f for f in sources.shipped() if "ontology" not in f.path.parts]
    with_ontology = load_store(sources.shipped())
    without = load_store(data_only)
    assert len(without) < len(with_ontology)
    assert run(without, "timeline") == run(with_ontology, "timeline")
    meeting, event = ox.NamedNode("http://example.org/ns#Meeting"), ox.NamedNode(ID + "event/x")
    with_ontology.inner.extend([
        ox.Quad(meeting, ox.NamedNode(PREFIXES["rdfs"] + "subClassOf"),
                ox.NamedNode(GG + "Session")),
        ox.Quad(event, ox.NamedNode(PREFIXES["rdf"] + "type"), meeting)])
    row = next(r for r in run(with_ontology, "timeline") if r["event"] == event.value)
    assert row["types"] == "Meeting" and row["type"] == meeting.value

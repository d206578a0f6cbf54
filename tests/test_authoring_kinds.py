"""The office and appointment sheets of `govgraph import-sheet`, in-process on the synthetic case
(tests/fixtures/synthetic/): the statements they make, that they validate, and the seat an
appointment must find."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from govgraph.authoring import names, newcase, sheets, texts
from govgraph.rdf import sources
from govgraph.rdf.namespaces import GGID
from govgraph.rdf.store import load_store
from govgraph.validation.validate import validate

SYNTHETIC = Path(__file__).resolve().parent / "fixtures" / "synthetic"
SOURCE = f"{GGID}source/esempio-tavolo-prova-2030-01"
FORUM = "forum/tavolo-prova-salute-esempio"
SENTENCE = "Il tavolo sarà coordinato da Ada Esempio, in rappresentanza del Comune di Esempio."
GG = rdflib.Namespace("https://w3id.org/govgraph/ontology#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
ID = rdflib.Namespace(GGID)


def _files() -> list[sources.SourceFile]:
    return [*sources.shipped(data=False),
            sources.SourceFile.of(SYNTHETIC / "data" / "esempio-tavolo-prova-2030-01.ttl")]


def _import(tables: dict[str, list[dict[str, str]]]) -> sheets.Import:
    files = _files()
    store = load_store(files)
    job = sheets.Import(store, SOURCE, texts.from_store(store, files)[SOURCE])
    job.run({kind: [sheets.Row(f"{kind}.csv:{n}", row) for n, row in enumerate(rows, start=2)]
             for kind, rows in tables.items()})
    return job


def _conforms(graph: rdflib.Graph, tmp_path: Path) -> bool:
    out = tmp_path / "imported.ttl"
    graph.serialize(out, format="turtle")
    return validate([*_files(), sources.SourceFile.of(out)], engine="fast").conforms


OFFICE = {"organization": FORUM, "holder": "Ada Esempio", "role": "coordinator",
          "start": "2030-01", "quote": SENTENCE}


def test_an_office_row_is_an_office_holding_that_validates(tmp_path: Path) -> None:
    job = _import({"office": [OFFICE]})
    oh = ID["office-holding/ada-esempio-coordinator-tavolo-prova-salute-esempio"]
    g = job.graph
    assert (oh, rdflib.RDF.type, GG.OfficeHolding) in g
    assert g.value(oh, ORG.member) == ID["person/ada-esempio"]  # found by name, not created
    assert g.value(oh, ORG.role) == ID["concept/role/coordinator"]
    assert str(g.value(oh, GG.startDate)) == "2030-01" and g.value(oh, ORG.memberDuring)
    assert job.created == []
    assert _conforms(g, tmp_path)


def test_an_appointment_row_points_to_the_seat_of_its_sheets(tmp_path: Path) -> None:
    job = _import({"office": [OFFICE], "appointment": [
        {"kind": "appointment", "appointee": "Ada Esempio", "organization": FORUM,
         "role": "coordinator", "by": "Comune di Esempio", "date": "2030-01",
         "quote": SENTENCE}]})
    appt = ID["appointment/appointment-ada-esempio-coordinator-tavolo-prova-salute-esempio"]
    g = job.graph
    assert g.value(appt, GG.appointmentKind) == ID["concept/appointment-kind/appointment"]
    assert g.value(appt, GG.appointedTo) == \
        ID["office-holding/ada-esempio-coordinator-tavolo-prova-salute-esempio"]
    assert g.value(appt, GG.appointingAgent) == ID["body/comune-esempio"]
    assert str(g.value(appt, GG.date)) == "2030-01"
    assert g.value(appt, ORG.memberDuring) is None
    assert len(job.quote_of) == 1  # the same sentence is one quote
    assert _conforms(g, tmp_path)


def test_an_appointment_to_a_seat_nobody_holds_is_refused_naming_the_row() -> None:
    with pytest.raises(sheets.SheetError) as caught:
        _import({"appointment": [{"kind": "election", "appointee": "Ada Esempio",
                                  "organization": FORUM, "role": "president",
                                  "quote": SENTENCE}]})
    message = str(caught.value)
    assert "appointment.csv:2" in message and "no seat of person/ada-esempio as president" \
        in message


def test_comune_di_x_resolves_to_the_registry_label_x_comune(tmp_path: Path) -> None:
    """'Comune di Padova' is 'Padova (comune)', not 'Maserà di Padova (comune)', whose words
    include the query's."""
    data = tmp_path / "comuni.ttl"
    data.write_text("""\
@prefix gg: <https://w3id.org/govgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/govgraph/id/body/comune/028060> a gg:Body ;
    rdfs:label "Padova"@it , "Padova (comune)"@it .
<https://w3id.org/govgraph/id/body/comune/028048> a gg:Body ;
    rdfs:label "Maserà di Padova"@it , "Maserà di Padova (comune)"@it .
""", encoding="utf-8")
    store = load_store([sources.SourceFile.of(data)])
    assert names.resolve(store, "Comune di Padova") == f"{GGID}body/comune/028060"
    assert names.resolve(store, "Comune di Maserà di Padova") == f"{GGID}body/comune/028048"
    with pytest.raises(names.UnknownName, match="ambiguous"):
        names.resolve(store, "pad com")  # words that start words of both


def test_a_name_in_a_source_title_is_a_new_person_not_the_source() -> None:
    """The synthetic source's title names the 'Tavolo di prova per la salute'; a holder named
    like a word of a title must not resolve to the document."""
    job = _import({"office": [{**OFFICE, "holder": "Comunicato di prova"}]})
    assert job.created == [(f"{GGID}person/comunicato-di-prova", "Comunicato di prova")]


def test_new_case_can_add_a_publisher_and_say_only_passages_are_kept() -> None:
    new = newcase.NewSource(slug="giornale-2030", text=b"x", title="t", url="https://x.org/a",
                            publisher=newcase.publisher_iri("L'Eco di Esempio"), date="2030-01",
                            retrieved="2030-01-02", doctype="news-article",
                            new_publisher="L'Eco di Esempio", passages_only=True)
    g = newcase.source_graph(new)
    src, org = ID["source/giornale-2030"], ID["body/l-eco-di-esempio"]
    assert g.value(src, rdflib.URIRef("http://purl.org/dc/terms/publisher")) == org
    assert (org, rdflib.RDFS.label, rdflib.Literal("L'Eco di Esempio", lang="it")) in g
    rights = rdflib.URIRef("http://purl.org/dc/terms/rights")
    assert len(set(g.objects(src, rights))) == 2
    assert len(set(g.objects(ID["source/giornale-2030/text"], rights))) == 2

"""Every phrase of issue 15's "Why" list can be said with the shipped terms, and validates.

tests/fixtures/phrases/NAME.ttl says one phrase (its first line: ``# phrase: ...``) about the
test document NAME.txt next to it. Each fixture must pass `govgraph validate` with no result
at all, every quote must be the text between its offsets, and together the fixtures must use
every class the issue added, so each construct is shown at least once.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF

from test_shapes import validate

ROOT = Path(__file__).resolve().parents[1]
PHRASES = sorted((ROOT / "tests" / "fixtures" / "phrases").glob("*.ttl"))
GG = rdflib.Namespace("https://w3id.org/govgraph/ontology#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
#: The classes issue 15 added: each must appear in some phrase fixture.
NEW_CLASSES = ("OfficeHolding", "Appointment", "VoteEvent", "Vote", "Figure", "Territory",
               "TermOfOffice", "Milestone", "Venue", "Agreement", "Signing")


def test_there_is_a_fixture_per_phrase() -> None:
    assert len(PHRASES) >= 9
    for path in PHRASES:
        assert re.match(r"# phrase: \S", path.read_text(encoding="utf-8")), path.name
        assert path.with_suffix(".txt").is_file(), f"{path.name}: no source text"


@pytest.mark.parametrize("path", PHRASES, ids=[p.stem for p in PHRASES])
def test_quotes_are_the_text_between_their_offsets(path: Path) -> None:
    text = path.with_suffix(".txt").read_text(encoding="utf-8")
    graph = rdflib.Graph().parse(path, format="turtle")
    quotes = list(graph.subjects(RDF.type, GG.Quote))
    assert quotes, path.name
    for quote in quotes:
        start = int(graph.value(quote, OA.start))
        end = int(graph.value(quote, OA.end))
        assert text[start:end] == str(graph.value(quote, PROV.value)), quote


@pytest.mark.parametrize("path", PHRASES, ids=[p.stem for p in PHRASES])
def test_phrase_fixture_validates_cleanly(path: Path) -> None:
    code, report = validate(path, "en")
    assert code == 0 and report["conforms"] is True, report["results"]
    assert report["results"] == [], report["results"]


def test_every_new_class_is_shown() -> None:
    used = set()
    for path in PHRASES:
        graph = rdflib.Graph().parse(path, format="turtle")
        used |= {str(o)[len(str(GG)):] for o in graph.objects(None, RDF.type)
                 if str(o).startswith(str(GG))}
    missing = sorted(set(NEW_CLASSES) - used)
    assert not missing, f"no phrase fixture uses gg:{missing}"

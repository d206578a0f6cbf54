"""The SHACL shapes (shapes/govgraph-shapes.ttl) and proof that each one fires.

Every file in tests/fixtures/invalid/ is a small Turtle file of invalid data whose first comment
lines say which result `govgraph validate` must report for it:

    # expect-shape: <sh:sourceShape IRI>
    # expect-focus: <focus node IRI>
    # expect-severity: Violation | Warning
    # expect-message-en: <the English message, placeholders substituted>
    # expect-message-it: <the Italian message>

The fixtures are checked through the project's real command, `govgraph validate
data/reference.ttl data/sources.ttl FILE --data-only --format json --lang en|it`, which validates
them together with the ontology, data/reference.ttl and data/sources.ttl (not the cases, which a
plain `govgraph validate FILE` would load too: that takes several times longer, and no fixture
needs them). tests/fixtures/valid/minimal.ttl must pass with no violation.

The static tests below also check the shapes file itself: every property shape has an IRI, a
name, a severity and messages in both languages; every node shape and every SPARQL constraint
has at least one failing fixture.

Note for the command: pyshacl (0.40) drops the language tag of a SPARQL constraint's messages
when it substitutes {$this}/{?value}, so both the @en and the @it text come back untagged. The
command must take the sh:message@lang of the result's sh:sourceConstraint from the shapes graph
and substitute {$this}, {?value} and {$path} itself (with the focus, value and path as plain
strings) to print the message in the requested language.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import rdflib
import rdflib.collection
from rdflib.namespace import OWL, RDF, SH

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ROOT / "shapes" / "govgraph-shapes.ttl"
FIXTURES = ROOT / "tests" / "fixtures"
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
VALID = FIXTURES / "valid" / "minimal.ttl"
#: What the fixtures link to, besides the ontology: the shared entities and the sources.
CONTEXT = [str(ROOT / "data" / "reference.ttl"), str(ROOT / "data" / "sources.ttl")]
GGS = "https://w3id.org/govgraph/shapes#"
SHAPES_ONTOLOGY = rdflib.URIRef("https://w3id.org/govgraph/shapes")
EXPECT = re.compile(r"^# expect-([a-z-]+): (.*)$", re.MULTILINE)
KEYS = {"shape", "focus", "severity", "message-en", "message-it"}


def expectations(path: Path) -> dict[str, str]:
    found = dict(EXPECT.findall(path.read_text(encoding="utf-8")))
    missing = KEYS - found.keys()
    assert not missing, f"{path.name}: missing header lines {sorted(missing)}"
    assert found["severity"] in ("Violation", "Warning"), path.name
    return found


@cache
def validate(path: Path, lang: str) -> tuple[int, dict[str, Any]]:
    """Run `govgraph validate PATH --format json --lang LANG`: (exit code, parsed report). The
    fast engine: test_validate_equivalence.py shows it reports what pyshacl reports on every
    fixture, in a fraction of the time."""
    proc = subprocess.run(
        [sys.executable, "-m", "govgraph", "validate", *CONTEXT, str(path), "--data-only",
         "--engine", "fast", "--format", "json", "--lang", lang],
        capture_output=True, text=True, timeout=240, cwd=ROOT, check=False,
    )
    assert proc.returncode in (0, 1), (
        f"govgraph validate {path.name} exited {proc.returncode}:\n{proc.stderr}")
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"not JSON on stdout ({exc}):\n{proc.stdout[:2000]}") from exc
    return proc.returncode, report


@cache
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES, format="turtle")


def _lit(g: rdflib.Graph, node: rdflib.term.Node, pred: rdflib.URIRef) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for o in g.objects(node, pred):
        if isinstance(o, rdflib.Literal):
            out.setdefault(o.language or "", []).append(str(o))
    return out


def _targeted_node_shapes(g: rdflib.Graph) -> set[rdflib.URIRef]:
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    return {s for s in g.subjects(RDF.type, SH.NodeShape)
            if isinstance(s, rdflib.URIRef) and any(g.value(s, t) is not None for t in targets)}


def _property_shapes(g: rdflib.Graph) -> set[rdflib.term.Node]:
    return set(g.objects(None, SH.property)) | set(g.subjects(RDF.type, SH.PropertyShape))


# ---------------------------------------------------------------- the shapes file itself

def test_shapes_ontology_header() -> None:
    g = shapes()
    assert (SHAPES_ONTOLOGY, RDF.type, OWL.Ontology) in g
    titles = _lit(g, SHAPES_ONTOLOGY, rdflib.DCTERMS.title)
    assert titles.get("en") and titles.get("it")
    assert g.value(SHAPES_ONTOLOGY, OWL.versionInfo) is not None
    assert (SHAPES_ONTOLOGY, rdflib.DCTERMS.license,
            rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")) in g
    declared = {str(g.value(d, SH.prefix)) for d in g.objects(SHAPES_ONTOLOGY, SH.declare)}
    assert {"gg", "org", "prov", "rdf", "rdfs"} <= declared


def test_node_shapes_are_named_and_described_in_both_languages() -> None:
    g = shapes()
    node_shapes = _targeted_node_shapes(g)
    assert len(node_shapes) >= 20
    for s in node_shapes:
        for pred in (SH.name, SH.description):
            values = _lit(g, s, pred)
            assert values.get("en") and values.get("it"), f"{s}: {pred} needs @en and @it"
        if g.value(s, SH.nodeKind) is not None:  # the node shape's own constraint reports
            msgs = _lit(g, s, SH.message)
            assert msgs.get("en") and msgs.get("it"), f"{s}: sh:message needs @en and @it"
            assert g.value(s, SH.severity) in (SH.Violation, SH.Warning), s


def test_every_property_shape_has_iri_name_severity_and_messages() -> None:
    g = shapes()
    props = _property_shapes(g)
    assert len(props) >= 60
    for p in props:
        assert isinstance(p, rdflib.URIRef), f"a property shape is a blank node: {p!r}"
        assert str(p).startswith(GGS), p
        names = _lit(g, p, SH.name)
        assert names.get("en") and names.get("it"), f"{p}: sh:name needs @en and @it"
        assert g.value(p, SH.severity) in (SH.Violation, SH.Warning), f"{p}: sh:severity"
        sparql = list(g.objects(p, SH.sparql))
        if sparql:
            # messages live on the SPARQL constraint (a message on the shape would be repeated)
            assert not list(g.objects(p, SH.message)), p
        else:
            msgs = _lit(g, p, SH.message)
            assert len(msgs.get("en", [])) == 1 and len(msgs.get("it", [])) == 1, (
                f"{p}: exactly one sh:message @en and one @it")


def test_sparql_constraints_have_bilingual_messages_and_declared_prefixes() -> None:
    g = shapes()
    constraints = set(g.objects(None, SH.sparql))
    assert len(constraints) >= 8
    for c in constraints:
        assert isinstance(c, rdflib.URIRef), f"SPARQL constraint without IRI: {c!r}"
        msgs = _lit(g, c, SH.message)
        assert len(msgs.get("en", [])) == 1 and len(msgs.get("it", [])) == 1, c
        assert "{$this}" in msgs["en"][0] and "{$this}" in msgs["it"][0], c
        select = str(g.value(c, SH.select))
        for var in re.findall(r"\{\?(\w+)\}", msgs["en"][0] + msgs["it"][0]):
            assert f"?{var}" in select, f"{c}: message uses ?{var}, the query does not select it"
        assert g.value(c, SH.prefixes) == SHAPES_ONTOLOGY, c
        names = _lit(g, c, SH.name)
        assert names.get("en") and names.get("it"), c


def test_messages_of_closed_lists_name_every_allowed_value() -> None:
    """A shape with sh:in tells the reader what to choose: both messages name every value
    (the last segment of each IRI), so a message never says 'one of the listed' and lists none."""
    g = shapes()
    checked = 0
    for p in _property_shapes(g):
        allowed = g.value(p, SH["in"])
        if allowed is None:
            continue
        names = [str(v).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
                 for v in rdflib.collection.Collection(g, allowed)]
        for lang, texts in _lit(g, p, SH.message).items():
            missing = [n for n in names if not re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])",
                                                          texts[0])]
            assert not missing, f"{p} message @{lang} does not name {missing}"
        checked += 1
    assert checked >= 3


def test_every_node_shape_and_sparql_constraint_has_a_failing_fixture() -> None:
    g = shapes()
    fired = {expectations(p)["shape"] for p in INVALID}
    owners: dict[str, str] = {}  # property shape -> node shape that holds it
    for s, p in g.subject_objects(SH.property):
        owners[str(p)] = str(s)
    covered_nodes = {owners.get(s, s) for s in fired}
    missing = sorted(str(s) for s in _targeted_node_shapes(g) if str(s) not in covered_nodes)
    assert not missing, f"node shapes without a failing fixture: {missing}"
    for c in set(g.objects(None, SH.sparql)):
        holders = {str(s) for s in g.subjects(SH.sparql, c)}
        assert holders & fired, f"SPARQL constraint {c} has no failing fixture"


def test_fixture_headers_name_real_shapes() -> None:
    g = shapes()
    known = {str(s) for s in g.subjects(RDF.type, SH.NodeShape)} | {
        str(p) for p in _property_shapes(g)}
    for path in INVALID:
        assert expectations(path)["shape"] in known, path.name


# ---------------------------------------------------------------- through `govgraph validate`

@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
@pytest.mark.parametrize("lang", ["en", "it"])
def test_invalid_fixture_fires(path: Path, lang: str) -> None:
    want = expectations(path)
    code, report = validate(path, lang)
    assert code == (1 if want["severity"] == "Violation" else 0), (
        f"exit code {code} for a {want['severity']}; counts {report.get('counts')}")
    if want["severity"] == "Warning":
        assert report["counts"]["Violation"] == 0
    candidates = [r for r in report["results"]
                  if r["shape"] == want["shape"] and r["focus"] == want["focus"]]
    assert candidates, (
        f"no result from {want['shape']} on {want['focus']}; got "
        + json.dumps([(r["shape"], r["focus"]) for r in report["results"]], indent=1))
    assert any(r["severity"] == want["severity"] for r in candidates), candidates
    messages = [r["message"] for r in candidates]
    assert want[f"message-{lang}"] in messages, (
        f"expected ({lang}): {want[f'message-{lang}']}\n got: {messages}")


def test_invalid_fixtures_exist() -> None:
    assert len(INVALID) >= 40


@pytest.mark.parametrize("lang", ["en", "it"])
def test_valid_fixture_passes(lang: str) -> None:
    code, report = validate(VALID, lang)
    violations = [r for r in report["results"] if r["severity"] == "Violation"]
    assert code == 0 and report["conforms"] is True, violations
    assert report["counts"]["Violation"] == 0
    fixture_warnings = [r for r in report["results"]
                        if r["severity"] == "Warning" and r.get("file")
                        and Path(r["file"]).name == VALID.name]
    assert not fixture_warnings, fixture_warnings

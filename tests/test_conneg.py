"""The content negotiator, as a table of (Accept, offered types, expected choice)."""

from __future__ import annotations

import pytest

from govgraph.web.conneg import (
    MediaRange,
    negotiate,
    not_acceptable,
    parse_accept,
    parse_media_type,
)

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
RESULTS = [JSON, XML, CSV, TSV]
TTL = "text/turtle"
HTML = "text/html"
RDF = [TTL, "application/n-triples", "application/ld+json", "application/rdf+xml"]

CASES: list[tuple[str | None, list[str], str | None]] = [
    # no header, empty header, */*: the server's first choice
    (None, RESULTS, JSON),
    ("", RESULTS, JSON),
    ("   ", RESULTS, JSON),
    ("*/*", RESULTS, JSON),
    ("*", RESULTS, JSON),
    ("*/*;q=0.1", RESULTS, JSON),
    # exact types
    (XML, RESULTS, XML),
    ("TEXT/CSV", RESULTS, CSV),
    (TSV, RESULTS, TSV),
    ("application/json", RESULTS, None),
    ("image/png", RESULTS, None),
    # q-values
    (f"{JSON};q=0.5, {XML}", RESULTS, XML),
    (f"{JSON};q=0.5, {XML};q=0.9, {CSV};q=0.7", RESULTS, XML),
    (f"{CSV};q=1.0, {TSV};q=1", RESULTS, CSV),  # equal quality: server order
    (f"{TSV}, {CSV}", RESULTS, CSV),
    (f"{XML};q=0.001", RESULTS, XML),
    (f"{XML};q=0.000", RESULTS, None),
    # wildcards
    ("text/*", RESULTS, CSV),
    ("text/*;q=0.5, */*;q=0.1", RESULTS, CSV),
    ("application/*", RESULTS, JSON),
    ("application/*;q=0.2, text/*;q=0.3", RESULTS, CSV),
    # q=0 exclusion, also against a wildcard
    (f"*/*, {JSON};q=0", RESULTS, XML),
    (f"*/*, {JSON};q=0, {XML};q=0", RESULTS, CSV),
    ("text/*;q=0, */*", RESULTS, JSON),
    (f"{JSON};q=0", RESULTS, None),
    ("*/*;q=0", RESULTS, None),
    # specificity: the most specific matching range gives the quality
    ("text/*;q=0.1, text/tab-separated-values", RESULTS, TSV),
    ("*/*;q=0.9, text/csv;q=0.2", [CSV, XML], XML),
    ("text/*, text/csv;q=0", [CSV, TSV], TSV),
    (f"{CSV};q=0.1, text/*;q=0.9", [CSV, TSV], TSV),
    # parameters
    ("text/csv;charset=utf-8", RESULTS, CSV),
    ("text/csv; charset=UTF-8; q=0.9, */*;q=0.1", RESULTS, CSV),
    ("text/csv;charset=iso-8859-1", RESULTS, None),
    ("text/html;level=1", [HTML], None),
    ("text/html;level=1, text/html;q=0.5", ["text/html;level=1", HTML], "text/html;level=1"),
    ("text/html;level=1;q=0.2, text/html", ["text/html;level=1", HTML], HTML),
    ('text/csv;foo="bar";q=0.5, */*;q=0.1', ["text/csv;foo=bar"], "text/csv;foo=bar"),
    ("text/csv;q=0.5;ext=1", RESULTS, CSV),  # accept-extension after q
    # browsers
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", [TTL, HTML], HTML),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", RESULTS, JSON),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", RDF, TTL),
    ("application/rdf+xml;q=0.9, text/turtle;q=0.8", RDF, "application/rdf+xml"),
    ("application/ld+json", [*RDF, HTML], "application/ld+json"),
    # malformed ranges are skipped; a wholly unreadable header is */*
    ("garbage", RESULTS, JSON),
    (";;;,,,", RESULTS, JSON),
    ("text/csv;q=2, text/tab-separated-values", RESULTS, TSV),
    ("text/csv;q=abc, application/sparql-results+xml", RESULTS, XML),
    ("text/csv;q=0.12345", RESULTS, JSON),
    ("*/csv", RESULTS, JSON),
    ("text/", RESULTS, JSON),
    ("/csv", RESULTS, JSON),
    ("te xt/csv", RESULTS, JSON),
    ("text/csv;=;q=1", RESULTS, JSON),
    ("\x00\xff\u2603/☃", RESULTS, JSON),
    ("text/csv,,,,", RESULTS, CSV),
    # absurd sizes
    ("text/csv;" + "a=b;" * 100_000, RESULTS, None),
    ("image/png," * 100_000 + "text/csv", RESULTS, None),
    ("x" * 1_000_000, RESULTS, JSON),
    # nothing offered
    ("*/*", [], None),
]


@pytest.mark.parametrize(("accept", "offered", "expected"), CASES,
                         ids=[repr(c[0])[:60] for c in CASES])
def test_negotiate(accept: str | None, offered: list[str], expected: str | None) -> None:
    assert negotiate(accept, offered) == expected


def test_parse_media_type() -> None:
    assert parse_media_type("Text/HTML; Level=1; q=0.3") == MediaRange(
        "text", "html", (("level", "1"),), 0.3)
    assert parse_media_type("nonsense") is None


def test_parse_accept_defaults_to_anything() -> None:
    assert parse_accept(None) == [MediaRange("*", "*")]
    assert parse_accept("bad, worse") == [MediaRange("*", "*")]


def test_not_acceptable_lists_the_types() -> None:
    body = not_acceptable([JSON, XML, JSON], what="SELECT results")
    assert "SELECT results" in body
    assert body.count(JSON) == 1 and XML in body

"""Where a result's focus node is written: lines in N-Triples (one statement per line), and
labels and files found by index look-ups for many nodes at once."""

from __future__ import annotations

from pathlib import Path

from govgraph.rdf import sources
from govgraph.rdf.store import load_store
from govgraph.validation.locations import LineIndex, locate
from govgraph.validation.validate import _labels, _places

EX = "https://example.org/"
NT = f"""\
<{EX}a> <http://www.w3.org/2000/01/rdf-schema#label> "A"@en .
  <{EX}b> <http://www.w3.org/2000/01/rdf-schema#label> "B"@it .
<{EX}b> <http://www.w3.org/2004/02/skos/core#prefLabel> "Bi"@it .
<{EX}a> <{EX}p> <{EX}c> .
<{EX}b> <http://www.w3.org/2004/02/skos/core#prefLabel> "Be"@en .
"""


def test_ntriples_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.nt"
    path.write_text(NT, encoding="utf-8")
    index = LineIndex(path)
    assert index.subjects == {f"{EX}a": 1, f"{EX}b": 2}  # indented subject too
    assert locate(path, f"{EX}c") == 4  # never a subject: its first mention
    assert locate(path, f"{EX}nowhere") is None


def test_labels_and_places_of_many_nodes(tmp_path: Path) -> None:
    one, two = tmp_path / "one.nt", tmp_path / "two.ttl"
    one.write_text(NT, encoding="utf-8")
    two.write_text(f"<{EX}d> <{EX}p> <{EX}a> .\n", encoding="utf-8")
    files = [sources.SourceFile.of(one), sources.SourceFile.of(two)]
    store = load_store(files)
    nodes = [f"{EX}a", f"{EX}b", f"{EX}c", f"{EX}d"]
    # skos:prefLabel before rdfs:label, per language
    assert _labels(store, nodes) == {f"{EX}a": {"en": "A"}, f"{EX}b": {"it": "Bi", "en": "Be"}}
    assert _places(store, nodes, files) == {f"{EX}a": (str(one), 1), f"{EX}b": (str(one), 2),
                                            f"{EX}d": (str(two), 1)}

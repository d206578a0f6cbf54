"""Quotes in their source texts: where a quoted text occurs, and the check that every
``gg:Quote``'s ``oa:start``/``oa:end`` give its ``prov:value`` in the text of its document.

:func:`locate` finds a text exactly once or refuses (absent, or ambiguous with each occurrence);
:func:`check` is the validation both engines of ``govgraph validate`` run.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from govgraph.authoring import texts
from govgraph.rdf.namespaces import GG, PREFIXES
from govgraph.rdf.sources import InputError, SourceFile
from govgraph.rdf.store import OxigraphStore, Store

OA = PREFIXES["oa"]
PROV = PREFIXES["prov"]

#: Typographic variants treated alike when a quote is not found verbatim (for the hint only).
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "«": '"',
                       "»": '"', "–": "-", "\u2014": "-", "\u00a0": " "})


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"


class QuoteError(ValueError):
    """A text that is not in the source exactly once; ``spans`` lists where it is."""

    def __init__(self, message: str, spans: Sequence[Span] = ()) -> None:
        super().__init__(message)
        self.spans = list(spans)


def occurrences(text: str, value: str) -> list[Span]:
    """Every place ``value`` stands in ``text``, overlapping ones included."""
    if not value:
        return []
    out, i = [], text.find(value)
    while i >= 0:
        out.append(Span(i, i + len(value)))
        i = text.find(value, i + 1)
    return out


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` with runs of white space as one space and typographic quotes, apostrophes and
    dashes as ASCII, and per character of the result its offset in ``text``."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text.translate(_FOLD)):
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            ch = " "
        out.append(ch)
        where.append(i)
    return "".join(out), where


def close_matches(text: str, value: str) -> list[Span]:
    """Where ``value`` stands in ``text`` if white space, quotes, apostrophes and dashes may
    differ: the spans in ``text``."""
    folded, where = _folded(text)
    wanted = _folded(value.strip())[0]
    spans = []
    for s in occurrences(folded, wanted):
        end = where[s.end - 1] + 1
        spans.append(Span(where[s.start], end))
    return spans


def excerpt(text: str, limit: int = 90) -> str:
    """A text for a one-line message: newlines shown as ⏎, long texts cut in the middle."""
    one = text.replace("\r", "").replace("\n", "⏎")
    if len(one) > limit:
        half = limit // 2 - 1
        one = one[:half] + " … " + one[-half:]
    return f"«{one}»"


def listed(spans: Sequence[Span], limit: int = 8) -> str:
    more = f" and {len(spans) - limit} more" if len(spans) > limit else ""
    return ", ".join(str(s) for s in spans[:limit]) + more


def locate(text: str, value: str, *, name: str = "the source text") -> Span:
    """The one place ``value`` stands in ``text``; :class:`QuoteError` when it is absent (with
    the close matches, if any) or stands more than once (with every occurrence)."""
    if not value.strip():
        raise QuoteError("the quoted text is empty")
    found = occurrences(text, value)
    if len(found) == 1:
        return found[0]
    if found:
        raise QuoteError(f"the text occurs {len(found)} times in {name}, at {listed(found)}: "
                         "quote a longer passage that occurs once", found)
    close = close_matches(text, value)
    if close:
        shown = "; ".join(f"{s}: {excerpt(text[s.start:s.end])}" for s in close[:3])
        raise QuoteError(f"the text is not in {name} as written; where spaces, quotes, "
                         f"apostrophes or dashes differ it stands at {shown}: copy it as it "
                         "stands there", close)
    raise QuoteError(f"the text is not in {name}: copy it verbatim from the file")


# --- the validation check ---------------------------------------------------------------------

SHAPE = PREFIXES["ggs"] + "QuoteTextShape"
COMPONENT = PREFIXES["ggs"] + "SourceTextConstraintComponent"

_QUOTES = """
SELECT ?q ?value ?source ?start ?end WHERE {
  ?q a gg:Quote .
  OPTIONAL { ?q prov:value ?value }
  OPTIONAL { ?q prov:wasQuotedFrom ?source }
  OPTIONAL { ?q oa:start ?start }
  OPTIONAL { ?q oa:end ?end }
}"""

_DOCUMENTS = "SELECT ?s WHERE { ?s a <https://w3id.org/govgraph/ontology#SourceDocument> }"


@dataclass(frozen=True)
class Finding:
    """One failed check, as a validation result: focus node, path, value, messages."""

    focus: str
    path: str
    value: str | None
    messages: dict[str, str]


def _int(term: object) -> int | None:
    if isinstance(term, ox.Literal):
        try:
            return int(term.value)
        except ValueError:
            return None
    return None


def _where_found(text: str, value: str) -> tuple[str, str]:
    """What to do, in English and Italian, given where the quoted text really is."""
    found = occurrences(text, value)
    if len(found) == 1:
        s = found[0]
        return (f"the quoted text is found at {s}: fix oa:start/oa:end (set them to "
                f"{s.start} and {s.end}, or remove them and run govgraph fmt)",
                f"il testo citato si trova a {s}: correggi oa:start/oa:end (metti {s.start} e "
                f"{s.end}, oppure toglili ed esegui govgraph fmt)")
    if found:
        return (f"the quoted text occurs {len(found)} times, at {listed(found)}: set "
                "oa:start/oa:end to the occurrence meant",
                f"il testo citato compare {len(found)} volte, a {listed(found)}: metti in "
                "oa:start/oa:end quella intesa")
    close = close_matches(text, value)
    if close:
        s = close[0]
        return (f"the quoted text is not in the file as written; with other spaces, quotes or "
                f"apostrophes it stands at {s} as {excerpt(text[s.start:s.end])}: copy it from "
                "there", f"il testo citato non è nel file così com'è scritto; con altri spazi, "
                f"virgolette o apostrofi si trova a {s} come {excerpt(text[s.start:s.end])}: "
                "copialo da lì")
    return ("the quoted text does not occur in the file: copy it verbatim from the source text",
            "il testo citato non compare nel file: copialo alla lettera dal testo della fonte")


def check(store: OxigraphStore, files: Sequence[SourceFile],
          focus: Collection[str] | None = None) -> list[Finding]:
    """Every quote against its source's text, and every text against its digest. A quote of a
    document that declares no text file is reported, since it cannot be checked; a quote of
    something that is not a document is left to the shapes.

    Raises :class:`govgraph.rdf.sources.InputError` when a declared text file is missing or
    unreadable. ``focus``: report only on these nodes (incremental validation)."""
    declared = texts.from_store(store, files)
    by_dist = {t.distribution: t for t in declared.values()}
    contents: dict[str, str] = {}
    out: list[Finding] = []

    def wanted(node: str) -> bool:
        return focus is None or node in focus

    def content(t: texts.SourceText) -> str:
        if t.distribution not in contents:
            contents[t.distribution] = t.read()
        return contents[t.distribution]

    for t in sorted(by_dist.values(), key=lambda t: t.distribution):
        if not wanted(t.distribution) and not (t.source and wanted(t.source)):
            continue
        content(t)
        actual = t.actual_digest()
        if t.sha256 != actual:
            said = f"says {t.sha256}" if t.sha256 else "gives none"
            detto = f"indicano {t.sha256}" if t.sha256 else "non ne indicano"
            out.append(Finding(t.distribution, texts.SHA256, t.sha256, {
                "en": f"The text file {t.path} has SHA-256 {actual}; the data {said}. Restore "
                      f"the file, or, if the text was corrected on purpose, set gg:sha256 to "
                      f"{actual} and check the quotes of {t.source or 'the document'}",
                "it": f"Il file di testo {t.path} ha SHA-256 {actual}; i dati {detto}. "
                      f"Ripristina il file oppure, se il testo è stato corretto di proposito, "
                      f"metti gg:sha256 a {actual} e controlla le citazioni del documento"}))
    rows = store.query(_QUOTES)
    assert isinstance(rows, ox.QuerySolutions)
    documents: set[str] | None = None
    for row in rows:
        q, value, source = row["q"], row["value"], row["source"]
        if not isinstance(q, ox.NamedNode) or not wanted(q.value):
            continue
        if not isinstance(value, ox.Literal) or not isinstance(source, ox.NamedNode):
            continue  # the shapes report a quote without text or document
        text_of = declared.get(source.value)
        if text_of is None:
            if documents is None:
                found = store.query(_DOCUMENTS)
                assert isinstance(found, ox.QuerySolutions)
                documents = {r["s"].value for r in found}
            if source.value in documents:
                out.append(_no_text(q.value, source.value))
            continue
        start, end = _int(row["start"]), _int(row["end"])
        if start is None or end is None or start < 0 or end < start:
            continue  # the shapes report missing or reversed offsets; govgraph fmt fills them in
        text = content(text_of)
        if text[start:end] == value.value:
            continue
        en, it = _where_found(text, value.value)
        at = excerpt(text[start:end]) if start < end <= len(text) else (
            f"nothing (the file has {len(text)} characters)")
        out.append(Finding(q.value, OA + "start", f"{start}–{end}", {
            "en": f"The text of {text_of.path} at oa:start/oa:end {start}–{end} is {at}, not "
                  f"the quote's prov:value {excerpt(value.value)}; {en}",
            "it": f"Il testo di {text_of.path} a oa:start/oa:end {start}–{end} è {at}, non il "
                  f"prov:value della citazione {excerpt(value.value)}; {it}"}))
    return out


def _no_text(quote: str, source: str) -> Finding:
    return Finding(quote, PROV + "wasQuotedFrom", source, {
        "en": f"The quote {quote} is taken from {source}, which declares no text file, so its "
              f"prov:value cannot be checked: register the document's text (govgraph new-case "
              f"for a new source; else give {source} a dcat:distribution with gg:textFile and "
              f"gg:sha256, docs/authoring.md)",
        "it": f"La citazione {quote} è tratta da {source}, che non dichiara un file di testo, "
              f"quindi il suo prov:value non si può controllare: registra il testo del "
              f"documento (govgraph new-case per una fonte nuova; altrimenti dai a {source} "
              f"una dcat:distribution con gg:textFile e gg:sha256, docs/authoring.md)"})


def quotes_of(store: Store, source: str) -> Iterator[tuple[str, str, int, int]]:
    """The quotes of one source: IRI, value, start, end (those with offsets), in text order."""
    rows = store.query(
        "SELECT ?q ?value ?start ?end WHERE { ?q prov:wasQuotedFrom ?source ; prov:value ?value ;"
        " oa:start ?start ; oa:end ?end }", substitutions={"source": ox.NamedNode(source)})
    assert isinstance(rows, ox.QuerySolutions)
    found = []
    for row in rows:
        q, value, start, end = row["q"], row["value"], _int(row["start"]), _int(row["end"])
        if isinstance(q, ox.NamedNode) and isinstance(value, ox.Literal) and start is not None \
                and end is not None:
            found.append((q.value, value.value, start, end))
    yield from sorted(found, key=lambda r: (r[2], r[3], r[0]))


def next_quote_iri(store: Store, source: str) -> str:
    """A new quote IRI for ``source``: ``.../quote/<slug>/NN``, one past the highest number."""
    base = f"{GG.rsplit('ontology#', 1)[0]}id/quote/{texts.slug(source)}/"
    rows = store.query("SELECT DISTINCT ?q WHERE { ?q a gg:Quote }")
    assert isinstance(rows, ox.QuerySolutions)
    numbers = [int(m[1]) for row in rows if isinstance(row["q"], ox.NamedNode)
               and (m := re.fullmatch(re.escape(base) + r"(\d+)", row["q"].value))]
    return f"{base}{max(numbers, default=0) + 1:02d}"


@dataclass(frozen=True)
class Placed:
    """A quote where it sits in its source text, with a little context on either side."""

    iri: str
    value: str
    span: Span
    before: str
    after: str
    matches: bool  # the text at the offsets is the quote's value


def placed(store: Store, source: str, *, context: int = 60
           ) -> tuple[texts.SourceText | None, list[Placed]]:
    """The text declared for ``source`` and each of its quotes in it (none when the text file
    cannot be read: the page then only links to it)."""
    text_of = texts.from_store(store).get(source)
    if text_of is None:
        return None, []
    try:
        text = text_of.read()
    except InputError:  # the page then says nothing more than the link
        return text_of, []
    out = []
    for iri, value, start, end in quotes_of(store, source):
        out.append(Placed(iri, value, Span(start, end), text[max(0, start - context):start],
                          text[end:end + context], text[start:end] == value))
    return text_of, out

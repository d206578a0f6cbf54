"""Reading a SPARQL query before it is parsed: its tokens, its form, its dataset clauses and
whether it can call ``SERVICE``.

The endpoint (:mod:`govgraph.web.sparql`) refuses updates, ``SERVICE`` and unknown ``FROM`` graphs
on what this module finds; :mod:`govgraph.querying.binding` finds the query's groups on the same
tokens, so comments, string literals and IRIs are told apart in one place only.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urljoin

from govgraph.rdf.namespaces import PREFIXES

UPDATE_KEYWORDS = frozenset(
    {"insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with"})
#: How many times its length a query may be read when looking for SERVICE.
CHECK_BUDGET = 20
#: Deepest nesting of ``{ ( [`` a query may have: deeper ones overflow the parser's stack.
MAX_DEPTH = 128
#: Most ``|`` (path alternatives, ``||``) a query may hold, for the same reason.
MAX_ALTERNATIVES = 2000

_LEXER = re.compile(
    r"""(?P<space>\s+)
      | (?P<comment>\#[^\r\n]*)
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
                  | '''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)
                  | "(?:[^"\\\r\n]|\\.)*"? | '(?:[^'\\\r\n]|\\.)*'?)
      | (?P<var>[?$][\w\u00b7-\uffff]*)
      | (?P<name>(?:[\w\u00b7-\uffff:]|\\.|%[0-9A-Fa-f]{2}
                  |[.\-](?=[\w\u00b7-\uffff:\-%\\]))+)
      | (?P<punct>.)""",
    re.VERBOSE | re.DOTALL,
)


class Token(NamedTuple):  # a tuple: made for every token, ~4x cheaper than a frozen dataclass
    kind: str  # space, comment, iri, string, var, name or punct
    text: str
    start: int
    end: int


def token_at(query: str, pos: int) -> Token:
    match = _LEXER.match(query, pos)
    assert match is not None and match.lastgroup is not None  # (?P<punct>.) matches anything
    kind, found = match.lastgroup, match.group()
    if kind == "name" and ":" not in found:
        # only prefixed names and blank-node labels may hold "." and "-": "1.SERVICE" is three
        found = re.split(r"[.\-]", found, maxsplit=1)[0]
        if not found:
            kind, found = "punct", match.group()[0]
    return Token(kind, found, pos, pos + len(found))


def lexemes(query: str, pos: int = 0) -> Iterator[Token]:
    """Every token of a query from ``pos``, white space and comments included: their texts make
    the query."""
    while pos < len(query):
        token = token_at(query, pos)
        pos = token.end
        yield token


_SKIP = re.compile(r"(?:\s+|\#[^\r\n]*)+")  # what the lexer reads as space and comments


def tokens(query: str, pos: int = 0) -> Iterator[Token]:
    """The significant tokens of a query from ``pos`` (comments and white space left out)."""
    while pos < len(query):
        if (skipped := _SKIP.match(query, pos)) is not None:
            pos = skipped.end()
            if pos == len(query):
                return
        token = token_at(query, pos)
        pos = token.end
        yield token


def uses_service(query: str) -> bool:
    """Whether ``SERVICE`` can be read as a keyword of the query.

    ``<`` opens an IRI or is the less-than operator depending on the grammar's context, and the
    two readings see different strings and comments when the IRI holds ``'`` or ``#``
    (``FILTER(?o<'a>') SERVICE ...``), so both readings are followed there; a position already
    read in the same state is not read again. ``SERVICE`` counts where the grammar allows it:
    after a term or one of ``{ } . ) ]``, and before an IRI, a variable, a prefixed name or
    ``SILENT``. A query that would take more than :data:`CHECK_BUDGET` times its length to
    read this way counts as using ``SERVICE``.
    """
    if not _MAY_SERVE.search(query):  # the letters are not there, not even escaped
        return False
    line_ends = [m.start() for m in re.finditer(r"[\r\n]", query)] + [len(query)]
    budget = CHECK_BUDGET * (len(query) + 1000)
    pending: list[tuple[int, bool]] = [(0, True)]
    seen: set[tuple[int, bool]] = set()
    while pending:
        pos, may_start = pending.pop()
        while pos < len(query) and (pos, may_start) not in seen:
            seen.add((pos, may_start))
            if query[pos] == "#":  # a comment, found without reading it
                end = line_ends[bisect.bisect_left(line_ends, pos)]
                token = Token("comment", query[pos:end], pos, end)
            else:
                token = token_at(query, pos)
            budget -= 1 if token.kind == "comment" else token.end - token.start
            if budget < 0:
                return True
            if token.kind == "iri" and ("'" in token.text or "#" in token.text):
                pending.append((pos + 1, False))  # the other reading: "<" as an operator
            if may_start and token.kind == "name" and token.text.lower() == "service":
                after = next(tokens(query, token.end), None)
                if after is None or after.kind != "punct" or after.text == "<":
                    return True
            if token.kind not in ("space", "comment"):
                may_start = token.kind != "punct" or token.text in "{}.)];"
            pos = token.end
    return False


#: Without a match, no reading of the query holds the keyword SERVICE (a codepoint escape
#: ``\\u`` may stand for any letter of it, so one counts as a match).
_MAY_SERVE = re.compile(r"service|\\[uU]", re.IGNORECASE)


@dataclass(frozen=True)
class Outline:
    """What the query's tokens tell before it is parsed: its form and its dataset clauses (not
    a SHACL shape)."""

    form: str | None  # select, ask, construct, describe, an update keyword, or None
    update: bool
    from_graphs: tuple[str, ...]
    from_named: tuple[str, ...]
    depth: int = 0  # deepest nesting of { ( [
    alternatives: int = 0  # how many | it holds

    def too_complex(self) -> str | None:
        """Why the parser must not see this query, or None."""
        if self.depth > MAX_DEPTH:
            return (f"the query nests groups, brackets or parentheses {self.depth} deep; "
                    f"this endpoint accepts at most {MAX_DEPTH}")
        if self.alternatives > MAX_ALTERNATIVES:
            return (f"the query holds {self.alternatives} '|' operators; this endpoint accepts "
                    f"at most {MAX_ALTERNATIVES}")
        return None


def _unescape(text: str) -> str:
    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
                  lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


_WORDS = frozenset({"prefix", "base", "select", "ask", "construct", "describe", "from",
                    *UPDATE_KEYWORDS})


def outline(query: str) -> Outline:
    """The :class:`Outline` of a query, from its tokens."""
    prefixes = dict(PREFIXES)
    base = ""
    form: str | None = None
    update = False
    graphs: dict[bool, list[str]] = {False: [], True: []}
    items = list(tokens(query))
    depth = deepest = alternatives = 0
    for i, token in enumerate(items):
        if token.kind == "punct":
            if token.text in "{([":
                depth += 1
                deepest = max(deepest, depth)
            elif token.text in "})]":
                depth -= 1
            elif token.text == "|":
                alternatives += 1
        word = token.text.lower() if token.kind == "name" and ":" not in token.text else ""
        if word not in _WORDS:
            continue
        ahead = items[i + 1: i + 4]
        if word == "prefix" and len(ahead) >= 2 and ahead[1].kind == "iri":
            prefixes[ahead[0].text.rstrip(":")] = urljoin(base, _unescape(ahead[1].text[1:-1]))
        elif word == "base" and ahead and ahead[0].kind == "iri":
            base = urljoin(base, _unescape(ahead[0].text[1:-1]))
        elif word in ("select", "ask", "construct", "describe") and form is None:
            form = word
        elif word in UPDATE_KEYWORDS:
            update = True
            form = form or word
        elif word == "from" and ahead:
            named = ahead[0].text.lower() == "named"
            target = ahead[1] if named and len(ahead) > 1 else ahead[0]
            if target.kind == "iri":
                graphs[named].append(urljoin(base, _unescape(target.text[1:-1])))
            elif target.kind == "name" and ":" in target.text:
                prefix, _, local = target.text.partition(":")
                graphs[named].append(prefixes.get(prefix, prefix + ":") + local)
    return Outline(form, update, tuple(graphs[False]), tuple(graphs[True]), deepest, alternatives)

"""Text-level rewriting of SPARQL constraint bodies for the fast SHACL engine."""

from __future__ import annotations

import re

#: Comment lines around each left join the rewrite makes, a no-op as they stand; for a few focus
#: nodes :func:`govgraph.validation.fastshacl.restrict` turns them into a look-up per row
#: (``LATERAL``, a sub-query with ``LIMIT 1``), where oxigraph would otherwise evaluate the joined
#: pattern for every node of the data (bench/RESULTS-validation.md).
EACH, EACHED, PROBE, PROBED = "#EACH\n", "#EACHED\n", "#PROBE\n", "#PROBED\n"
_VAR = re.compile(r"[?$](\w+)")
_NOT_EXISTS = re.compile(r"FILTER\s+NOT\s+EXISTS\s*\{", re.I)
_COMPLEX = re.compile(r"\b(OPTIONAL|UNION|BIND|VALUES|EXISTS|GRAPH|SERVICE|SELECT|MINUS)\b", re.I)


def _closing(text: str, start: int, open_: str = "{", close: str = "}") -> int:
    """The index of the bracket that closes the one opened just before ``start``."""
    depth = 1
    for i in range(start, len(text)):
        depth += (text[i] == open_) - (text[i] == close)
        if depth == 0:
            return i
    raise ValueError("unbalanced brackets in a SPARQL constraint")


def _without_filters(text: str) -> str:
    while (m := re.search(r"FILTER\s*\(", text, re.I)):
        text = text[:m.start()] + text[_closing(text, m.end(), "(", ")") + 1:]
    return text


def not_exists_rewrite(body: str) -> str:
    """``FILTER NOT EXISTS { P }`` as ``OPTIONAL { P BIND(true AS ?w) } FILTER(!BOUND(?w))`` at
    the end of the group, where the two mean the same: P is triple patterns and filters over
    variables its triple patterns bind, and the rest of the group has no OPTIONAL. (Oxigraph
    evaluates a NOT EXISTS holding a property path very slowly; this left join fast.)"""
    out, moved, at = "", [], 0
    for m in _NOT_EXISTS.finditer(body):
        if m.start() < at:
            continue
        end = _closing(body, m.end())
        inner = body[m.end():end]
        out += body[at:m.start()]
        at = end + 1
        bound = set(_VAR.findall(_without_filters(inner)))
        if _COMPLEX.search(inner) or not set(_VAR.findall(inner)) <= bound:
            out += body[m.start():at]
        else:
            moved.append(inner)
    rest = out + body[at:]
    if not moved or re.search(r"\bOPTIONAL\b", rest, re.I):
        return body
    return rest + "".join(f" {EACH} OPTIONAL {{ {PROBE} {inner} BIND(true AS ?_absent{i}) "
                          f"{PROBED} }} {EACHED} FILTER(!BOUND(?_absent{i}))"
                          for i, inner in enumerate(moved))

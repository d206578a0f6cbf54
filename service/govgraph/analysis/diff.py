"""What changed in a forum between two dates: who held what on the first date, who on the
second, and every seat (and, with the model's offices, office) that started or ended in between,
each with its source and quote.

Dates keep their precision, and the window is read the way ``as_of`` reads a date in the named
queries: a seat starting "2022-04" is already held on 2022-04-10. "Started" means not yet held on
``start`` but held on ``end``; "ended" the reverse. The seats are read from the named queries
``seat-changes`` (the changes) and ``representations`` (who held what on each date).

What can be held is :data:`HOLDINGS`, each with the two functions that read it: seats (the
named queries ``seat-changes`` and ``representations``) and offices (``office-holders``:
presidents, vice-presidents, secretaries elected or appointed in a forum, with the
appointment's kind). Offices have no changes query: their starts and ends are put in the window
by :func:`in_window`, the rule ``seat-changes`` states in SPARQL.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field

from govgraph import formats
from govgraph.analysis.rows import Row, text
from govgraph.analysis.rows import run as rows_of
from govgraph.querying.queries import QueryError, get
from govgraph.rdf.namespaces import expand_id
from govgraph.rdf.store import Store


@dataclass(frozen=True)
class Holding:
    """A seat (or office) held by someone in a forum."""

    what: str  # "seat" or "office"
    node: str  # the seat's or office-holding's IRI: its sources and quotes hang from it
    holder: str
    holderLabel: str
    forum: str
    forumLabel: str
    role: str | None = None
    roleLabel: str | None = None
    onBehalfOf: tuple[str, ...] = ()
    onBehalfOfLabels: tuple[str, ...] = ()
    start: str | None = None
    end: str | None = None
    source: str | None = None
    sourceLabel: str | None = None
    quote: str | None = None
    #: how an office was obtained, where the data says (the appointment and its kind)
    appointment: str | None = None
    appointmentKindLabel: str | None = None


@dataclass(frozen=True)
class Change:
    """A holding that started or ended within the window."""

    change: str  # "started" or "ended"
    date: str  # as the source states it: 2022, 2022-04 or 2022-04-15
    holding: Holding


@dataclass(frozen=True)
class Window:
    """The forum(s) and the two dates (YYYY-MM-DD) a diff compares."""

    start: str
    end: str
    forum: str | None = None
    include_subforums: bool = False

    def params(self) -> dict[str, str]:
        found = {"forum": self.forum, "include_subforums": str(self.include_subforums).lower()}
        return {k: v for k, v in found.items() if v}


@dataclass(frozen=True)
class Holdings:
    """One thing that can be held in a forum, and how to read it."""

    what: str
    #: the changes within a window
    changes: Callable[[Store, Window], list[Change]]
    #: who held what in the window's forums on one date
    held: Callable[[Store, Window, str], list[Holding]]


@dataclass
class Diff:
    window: Window
    before: list[Holding] = field(default_factory=list)
    after: list[Holding] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"forum": self.window.forum, "from": self.window.start, "to": self.window.end,
                "include_subforums": self.window.include_subforums,
                "before": [asdict(h) for h in self.before],
                "after": [asdict(h) for h in self.after],
                "changes": [{"change": c.change, "date": c.date, **asdict(c.holding)}
                            for c in self.changes]}


# --- seats -------------------------------------------------------------------------------------

def _seats(rows: Iterable[Row], forum_column: str) -> list[tuple[Holding, Row]]:
    """Rows (one per seat and principal) folded into one holding per seat (and change), each
    with the first of its rows."""
    by_seat: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for row in rows:
        by_seat[(text(row, "change") or "", text(row, "seat") or "")].append(row)
    found = []
    for key, group in by_seat.items():
        first = group[0]
        principals = sorted({(text(r, "principal") or "", text(r, "principalLabel") or "")
                             for r in group})
        found.append((Holding(
            what="seat", node=key[1], holder=text(first, "agent") or "",
            holderLabel=text(first, "agentLabel") or text(first, "agent") or "",
            forum=text(first, forum_column) or "",
            forumLabel=text(first, f"{forum_column}Label") or "",
            role=text(first, "role"), roleLabel=text(first, "roleLabel"),
            onBehalfOf=tuple(p for p, _ in principals),
            onBehalfOfLabels=tuple(label or p for p, label in principals),
            start=text(first, "start"), end=text(first, "end"), source=text(first, "source"),
            sourceLabel=text(first, "sourceLabel"), quote=text(first, "quote")), first))
    return found


def _seat_changes(store: Store, window: Window) -> list[Change]:
    rows = rows_of(store, "seat-changes", {**window.params(), "from": window.start,
                                           "to": window.end})
    return [Change(change=text(first, "change") or "", date=text(first, "date") or "",
                   holding=holding) for holding, first in _seats(rows, "inForum")]


def _forums(store: Store, window: Window) -> Sequence[str | None]:
    """The forums of the window: the forum, or it and its parts; ``[None]``: every forum."""
    if not window.forum:
        return [None]
    if not window.include_subforums:
        return [window.forum]
    return sorted({text(r, "forum") or "" for r in rows_of(
        store, "forum-tree", {"root": window.forum})} - {""})


def _seats_held(store: Store, window: Window, date: str) -> list[Holding]:
    held: list[Holding] = []
    for forum in _forums(store, window):
        params = {"as_of": date, "include_memberships": "true", **({"forum": forum}
                                                                 if forum else {})}
        held += [h for h, _ in _seats(rows_of(store, "representations", params), "forum")]
    return held


SEATS = Holdings("seat", _seat_changes, _seats_held)


# --- offices -----------------------------------------------------------------------------------

def in_window(change: str, date: str, window: Window) -> bool:
    """Whether a start ("started") or end ("ended") stated as ``date`` falls in the window, read
    as ``seat-changes`` reads it: dates compared on their common prefix; started: not valid on
    the first date (from < start), valid on the second (start <= to); ended: valid on the
    first (from <= end), no longer on the second (end < to)."""
    first, second = window.start[:len(date)], window.end[:len(date)]
    if change == "started":
        return first < date <= second
    return first <= date < second


def _offices(store: Store, window: Window, date: str | None) -> list[Holding]:
    """The office-holdings in the window's forums (held on ``date``; None: all), one each."""
    rows: list[Row] = []
    for forum in _forums(store, window):
        params = {k: v for k, v in (("forum", forum), ("as_of", date)) if v}
        rows += rows_of(store, "office-holders", params)
    if not window.forum:  # every forum: the offices held in bodies are no part of it
        every = {text(r, "forum") for r in rows_of(store, "forum-tree")}
        rows = [r for r in rows if text(r, "organization") in every]
    by_holding: dict[str, Row] = {}
    for row in rows:
        by_holding.setdefault(text(row, "holding") or "", row)
    return [Holding(
        what="office", node=node, holder=text(row, "person") or "",
        holderLabel=text(row, "personLabel") or text(row, "person") or "",
        forum=text(row, "organization") or "",
        forumLabel=text(row, "organizationLabel") or "",
        role=text(row, "role"), roleLabel=text(row, "roleLabel"),
        start=text(row, "start"), end=text(row, "end"), source=text(row, "source"),
        sourceLabel=text(row, "sourceLabel"), quote=text(row, "quote"),
        appointment=text(row, "appointment"),
        appointmentKindLabel=text(row, "appointmentKindLabel"),
    ) for node, row in by_holding.items()]


def _office_changes(store: Store, window: Window) -> list[Change]:
    return [Change(change, date, holding) for holding in _offices(store, window, None)
            for change, date in (("started", holding.start), ("ended", holding.end))
            if date and in_window(change, date, window)]


OFFICES = Holdings("office", _office_changes, _offices)

#: What can be held in a forum, listed in this order.
HOLDINGS: tuple[Holdings, ...] = (OFFICES, SEATS)


# --- the diff ----------------------------------------------------------------------------------

def diff(store: Store, window: Window) -> Diff:
    """Who held what on ``window.start`` and on ``window.end``, and what changed in between.

    Raises :class:`QueryError` naming the parameter for a date that is not YYYY-MM-DD or a
    window that ends before it starts.
    """
    changes = get("seat-changes")  # its parameters check the dates and the forum
    params = {p.name: p for p in changes.params}
    start = params["from"].bind(window.start).value
    end = params["to"].bind(window.end).value
    if end < start:
        raise QueryError(f"the window ends ({end}) before it starts ({start})", param="to")
    window = Window(start, end, window.forum and expand_id(window.forum),
                    window.include_subforums)
    result = Diff(window)
    for holdings in HOLDINGS:
        result.before += holdings.held(store, window, window.start)
        result.after += holdings.held(store, window, window.end)
        result.changes += holdings.changes(store, window)
    order = {"ended": 0, "started": 1}
    result.changes.sort(key=lambda c: (c.date, order.get(c.change, 2), c.holding.forumLabel,
                                       c.holding.roleLabel or "", c.holding.holderLabel))
    kinds = [h.what for h in HOLDINGS]
    for listed in (result.before, result.after):
        listed.sort(key=lambda h: (kinds.index(h.what), h.forumLabel, h.roleLabel or "",
                                   h.holderLabel))
    return result


def as_text(result: Diff) -> str:
    """The diff for a terminal: before, after, and the changes with their sources."""
    w = result.window
    where = w.forum or "every forum"
    lines = [f"{where}{' and its parts' if w.include_subforums else ''}: "
             f"from {w.start} to {w.end}"]

    def holder(h: Holding) -> str:
        behalf = ", ".join(h.onBehalfOfLabels)
        acting = f" for {behalf}" if behalf and h.onBehalfOf != (h.holder,) else ""
        how = f" ({h.appointmentKindLabel})" if h.appointmentKindLabel else ""
        return f"{h.roleLabel or h.what}: {h.holderLabel}{acting}{how} — {h.forumLabel}"

    for title, listed in ((f"held on {w.start}", result.before),
                          (f"held on {w.end}", result.after)):
        lines += ["", f"{title} ({len(listed)})"]
        for holdings in HOLDINGS:
            these = [h for h in listed if h.what == holdings.what]
            lines += [f"  {holdings.what}s ({len(these)})"] + [f"    {holder(h)}"
                                                                for h in these]
    lines += ["", f"changes ({len(result.changes)})"]
    for c in result.changes:
        lines.append(f"  {c.date:<10} {c.change:<7} {holder(c.holding)}")
        lines.append(f"  {'':<18} {c.holding.node}")
        if c.holding.source:
            lines.append(f"  {'':<18} source: {c.holding.sourceLabel or c.holding.source} "
                         f"<{c.holding.source}>")
        if c.holding.quote:
            lines.append(f"  {'':<18} «{c.holding.quote}»")
    return "\n".join(lines) + "\n"


def _csv(result: Diff) -> bytes:
    """The changes, one row each (several principals joined by spaces, their labels by '; ')."""
    out = io.StringIO()
    names = ["change", "date", *Holding.__dataclass_fields__]
    writer = csv.DictWriter(out, names, lineterminator="\n")
    writer.writeheader()
    for c in result.changes:
        row = asdict(c.holding)
        row["onBehalfOf"] = " ".join(c.holding.onBehalfOf)
        row["onBehalfOfLabels"] = "; ".join(c.holding.onBehalfOfLabels)
        writer.writerow({"change": c.change, "date": c.date, **row})
    return out.getvalue().encode()


def _json(result: Diff) -> bytes:
    return json.dumps(result.as_json(), ensure_ascii=False, indent=1).encode() + b"\n"


#: The formats (names, media types: :data:`govgraph.formats.OUTPUTS`): ``text`` for a terminal,
#: ``json`` (before, after, changes), ``csv`` (the changes).
FORMATS: dict[str, formats.Output] = {o.name: o for o in formats.outputs("diff")}
_WRITERS: dict[str, Callable[[Diff], bytes]] = {
    "text": lambda r: as_text(r).encode(), "json": _json, "csv": _csv}


def write(result: Diff, fmt: str) -> bytes:
    """The diff in one of :data:`FORMATS`."""
    if fmt not in FORMATS:
        raise QueryError(f"no diff format {fmt!r}; known: {', '.join(FORMATS)}",
                         param="format")
    return _WRITERS[fmt](result)

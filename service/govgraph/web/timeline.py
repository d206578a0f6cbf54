"""The timeline of a forum or person page: dated events, oldest first, as a plain table.

A forum's: its events (the named query ``timeline``: establishment, sessions, elections and
other appointments, milestones), the offices held in it (``office-holders``: each start and
end) and its seats (``representations``: each start and end). A person's: the offices they
held and their seats (``office-holders``, ``representations``). Dates keep their precision
(``2017-09`` sorts before ``2018-07`` before ``2019``); undated events come last.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from govgraph.analysis.rows import Row, text
from govgraph.analysis.rows import run as rows_of
from govgraph.web.views import Context, Link


@dataclass(frozen=True)
class Event:
    date: str  # as the source states it; "" when undated
    #: what happened: an event's type, or "began"/"ended" (interface strings)
    what: str
    node: Link  # the event, seat or office-holding: its page has the quotes
    detail: str = ""  # who, in which role (an office or a seat)
    source: Link | None = None
    note: str = ""  # what the source says of an undated event's date

    @property
    def sort_key(self) -> tuple[bool, str, str]:
        return (not self.date, self.date, self.node.label.lower())


def _source(ctx: Context, row: Row) -> Link | None:
    iri = text(row, "source")
    return ctx.link(iri) if iri else None


def _events(ctx: Context, forum: str) -> Iterable[Event]:
    seen: set[str] = set()
    for row in rows_of(ctx.store, "timeline", {"forum": forum}):
        iri = text(row, "event") or ""
        if iri in seen:
            continue
        seen.add(iri)
        yield Event(text(row, "date") or "", text(row, "types") or "", ctx.link(iri),
                    source=_source(ctx, row), note=text(row, "dateNote") or "")


def _ends(ctx: Context, rows: Iterable[Row], node: str, who: str, where: str) -> Iterable[Event]:
    """A start and an end event of each holding (office or seat) that states them."""
    seen: set[str] = set()
    for row in rows:
        iri = text(row, node) or ""
        if iri in seen:
            continue
        seen.add(iri)
        role = text(row, "roleLabel") or ""
        detail = ", ".join(x for x in (f"{role}: {text(row, who + 'Label') or ''}".strip(": "),
                                        text(row, where + "Label")) if x)
        for column, what in (("start", ctx.t("began")), ("end", ctx.t("ended"))):
            date = text(row, column)
            if date:
                yield Event(date, what, ctx.link(iri), detail, _source(ctx, row))


def forum_timeline(ctx: Context, forum: str) -> list[Event]:
    events = [*_events(ctx, forum),
              *_ends(ctx, rows_of(ctx.store, "office-holders", {"forum": forum}),
                     "holding", "person", "organization"),
              *_ends(ctx, rows_of(ctx.store, "representations",
                                  {"forum": forum, "include_memberships": "true"}),
                     "seat", "agent", "forum")]
    return sorted(events, key=lambda e: e.sort_key)


def person_timeline(ctx: Context, person: str) -> list[Event]:
    events = [*_ends(ctx, rows_of(ctx.store, "office-holders", {"person": person}),
                     "holding", "person", "organization"),
              *_ends(ctx, rows_of(ctx.store, "representations", {"agent": person}),
                     "seat", "agent", "forum")]
    return sorted(events, key=lambda e: e.sort_key)


def timeline(ctx: Context, iri: str, kind: str) -> list[Event]:
    """The timeline of an entity page of this kind (``forum``, ``person``; others have none)."""
    if kind == "forum":
        return forum_timeline(ctx, iri)
    if kind == "person":
        return person_timeline(ctx, iri)
    return []

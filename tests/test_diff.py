"""govgraph diff (govgraph.analysis.diff): the coordinator change of the fixture's bureau, the
election of its conference's president (tests/fixtures/analysis/offices.ttl), the precision of
dates, and on the shipped data the property that ties the changes to the seats and offices held
on the two dates."""

from __future__ import annotations

import csv
import io
import json
from itertools import pairwise
from pathlib import Path

import pytest

from govgraph.analysis import diff
from govgraph.analysis.rows import run as rows_of
from govgraph.analysis.rows import text
from govgraph.cli import main
from govgraph.querying.queries import QueryError
from govgraph.rdf import sources
from govgraph.rdf.namespaces import GGID as ID
from govgraph.rdf.store import load_store

FIXTURE = Path(__file__).parent / "fixtures" / "analysis" / "network.ttl"
OFFICES = FIXTURE.with_name("offices.ttl")
ANNA, BRUNO = ID + "representation/fixture-net-anna", ID + "representation/fixture-net-bruno"
COORDINATOR = ID + "concept/role/coordinator"


@pytest.fixture(scope="module")
def store():
    return load_store(sources.with_context([FIXTURE, OFFICES]))


def coordinators(holdings):
    return {h.node for h in holdings if h.role == COORDINATOR}


def test_the_coordinators_before_and_after(store):
    result = diff.diff(store, diff.Window("2022-05-01", "2022-07-01",
                                          "forum/fixture-net-conferenza", True))
    assert coordinators(result.before) == {ANNA}
    assert coordinators(result.after) == {BRUNO}
    assert [(c.change, c.date, c.holding.node) for c in result.changes] == [
        ("ended", "2022-05-31", ANNA), ("started", "2022-06-01", BRUNO)]
    for c in result.changes:
        assert c.holding.source == ID + "source/fixture-net" and c.holding.quote
    (bruno,) = [c.holding for c in result.changes if c.holding.node == BRUNO]
    assert bruno.quote == "dal primo giugno coordina Bruno Bianchi"
    assert bruno.onBehalfOf == (ID + "body/fixture-net-comune-b",)


def test_the_forum_without_its_parts(store):
    result = diff.diff(store, diff.Window("2022-05-01", "2022-07-01",
                                          "forum/fixture-net-conferenza"))
    assert result.changes == []
    assert {h.forum for h in result.before + result.after} == {ID + "forum/fixture-net-conferenza"}


@pytest.mark.parametrize(("start", "end", "started"), [
    ("2019-12-31", "2020-01-01", True),   # "2020" starts within the window
    ("2020-01-10", "2020-12-31", False),  # already held on 10 January 2020 (the year 2020)
    ("2019-06-01", "2019-12-31", False),  # not yet
])
def test_dates_keep_their_precision(store, start, end, started):
    result = diff.diff(store, diff.Window(start, end, "forum/fixture-net-conferenza"))
    found = {c.holding.node for c in result.changes if c.change == "started"}
    assert (ID + "membership/fixture-net-comune-a" in found) is started


def officers(holdings):
    return {(h.roleLabel, h.holderLabel) for h in holdings if h.what == "office"}


def test_the_officers_before_and_after_the_election(store):
    result = diff.diff(store, diff.Window("2023-01-01", "2023-06-30",
                                          "forum/fixture-net-conferenza"))
    assert officers(result.before) == {("Presidente", "Carla Rossi"), ("Segretario", "Franca Blu")}
    assert officers(result.after) == {("Presidente", "Dario Neri"), ("Segretario", "Franca Blu"),
                                      ("Vicepresidente", "Elena Gialli")}
    changes = [(c.change, c.date, c.holding.holderLabel) for c in result.changes
               if c.holding.what == "office"]
    assert changes == [("started", "2023-03", "Elena Gialli"),
                       ("ended", "2023-03-15", "Carla Rossi"),
                       ("started", "2023-03-15", "Dario Neri")]
    elected = next(c.holding for c in result.changes if c.holding.holderLabel == "Dario Neri")
    assert elected.appointment == ID + "appointment/fixture-off-dario"
    assert elected.appointmentKindLabel and elected.quote and elected.source


@pytest.mark.parametrize(("start", "end", "changed"), [
    ("2023-03-20", "2023-12-31", set()),  # "2023-03" is already March: held on the 20th
    ("2023-02-28", "2023-03-10", {"Elena Gialli"}),  # March began; the election was later
    ("2023-03-15", "2023-03-16", {"Carla Rossi"}),  # the 15th was her last day, his first
])
def test_office_dates_keep_their_precision(store, start, end, changed):
    result = diff.diff(store, diff.Window(start, end, "forum/fixture-net-conferenza"))
    assert {c.holding.holderLabel for c in result.changes if c.holding.what == "office"} \
        == changed


def test_offices_of_bodies_are_no_forum_s(shipped_store):
    result = diff.diff(shipped_store, diff.Window("2024-01-01", "2024-12-31"))
    forums = {text(r, "forum") for r in rows_of(shipped_store, "forum-tree")}
    offices = [h for h in result.after if h.what == "office"]
    assert offices and {h.forum for h in offices} <= forums


@pytest.mark.parametrize(("window", "param"), [
    (diff.Window("2022-02-30", "2022-03-01"), "from"),
    (diff.Window("2022-03-01", "yesterday"), "to"),
    (diff.Window("2022-03-01", "2022-02-01"), "to"),
])
def test_bad_window_names_the_parameter(store, window, param):
    with pytest.raises(QueryError) as err:
        diff.diff(store, window)
    assert err.value.param == param


def windows(store) -> list[tuple[str, str]]:
    """Windows around every start and end date of the seats and offices (as its first day):
    between each two consecutive dates, and the whole span."""
    dates = {text(r, "date") for r in rows_of(store, "seat-changes")} | {
        text(r, c) for r in rows_of(store, "office-holders") for c in ("start", "end")}
    days = sorted({(d + "-01-01")[:10] for d in dates if d})
    return [*pairwise(days), (days[0], f"{int(days[-1][:4]) + 1}{days[-1][4:]}")]


@pytest.mark.parametrize("fixture", ["store", "shipped_store"])
def test_changes_explain_the_difference_of_what_is_held(request, fixture):
    """What is held on the second date and not the first started in between; what was held
    on the first and not the second ended in between; a change is seen on its side."""
    data = request.getfixturevalue(fixture)
    tried = windows(data)
    assert tried
    for start, end in tried:
        result = diff.diff(data, diff.Window(start, end))
        before = {h.node for h in result.before}
        after = {h.node for h in result.after}
        started = {c.holding.node for c in result.changes if c.change == "started"}
        ended = {c.holding.node for c in result.changes if c.change == "ended"}
        assert after - before <= started, (start, end)
        assert before - after <= ended, (start, end)
        assert started - ended <= after and ended - started <= before, (start, end)
        assert all(c.holding.source and c.holding.quote for c in result.changes)


# === the command ================================================================================

ARGS = ["diff", "--data", str(FIXTURE), "--data", str(OFFICES), "--forum",
        "forum/fixture-net-conferenza", "--include-subforums",
        "--from", "2022-05-01", "--to", "2022-07-01"]


def test_command_text(capsys):
    assert main(ARGS) == 0
    out = capsys.readouterr().out
    held_before, held_after = out.split("held on 2022-07-01")
    assert "Anna Verdi for Comune di prova A" in held_before
    assert "Presidente: Carla Rossi" in held_before.split("seats")[0]
    assert "Bruno Bianchi" in held_after.split("changes")[0]
    assert "«dal primo giugno coordina Bruno Bianchi»" in out


def test_command_json_and_csv(capsys):
    assert main([*ARGS, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["node"] for c in data["changes"]] == [ANNA, BRUNO]
    assert data["from"] == "2022-05-01" and data["before"] and data["after"]
    assert main([*ARGS, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["change"], r["node"]) for r in rows] == [("ended", ANNA), ("started", BRUNO)]
    assert rows[0]["onBehalfOf"].split() == [ID + "body/fixture-net-comune-a",
                                             ID + "body/fixture-net-comune-b"]


def test_command_bad_date_is_one_line(capsys):
    assert main(["diff", "--from", "2022-01-01", "--to", "next year"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'to'" in err and "Traceback" not in err

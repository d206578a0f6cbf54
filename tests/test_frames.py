"""The notebook API (govgraph.analysis.frames): a typed DataFrame for every named query, on the
embedded store and on a remote endpoint (the service itself, over HTTP)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from govgraph.analysis import frames
from govgraph.analysis.rows import columns_and_rows
from govgraph.querying import queries
from govgraph.rdf import sources
from govgraph.rdf.namespaces import GGID as ID
from govgraph.rdf.store import load_store

FIXTURE = Path(__file__).parent / "fixtures" / "analysis" / "network.ttl"
WITHOUT_REQUIRED = sorted(n for n, q in queries.library().items()
                          if not any(p.required for p in q.params))


@pytest.fixture(scope="module")
def fixture_frames():
    return frames.Frames(load_store(sources.with_context([FIXTURE])))


@pytest.mark.parametrize("name", WITHOUT_REQUIRED)
def test_every_query_is_a_frame_with_its_rows(fixture_frames, name):
    df = getattr(fixture_frames, name.replace("-", "_"))()
    names, found = columns_and_rows(fixture_frames.store, name)
    dates = {n for n in names if str(df[n].dtype).startswith("datetime64")}
    assert {c.name for c in queries.get(name).columns if c.type == "date"} <= dates
    assert list(df.columns) == [c for n in names
                                for c in ([n, f"{n}Precision"] if n in dates else [n])]
    assert len(df) == len(found)
    for column in names:
        if str(df[column].dtype) == "string":
            assert [None if pd.isna(v) else v for v in df[column]] == \
                [r[column].value if column in r else None for r in found]


def test_dates_are_dates_with_their_precision(fixture_frames):
    df = fixture_frames.representations(include_memberships=True)
    assert str(df["start"].dtype).startswith("datetime64")
    assert str(df["end"].dtype).startswith("datetime64")
    by_seat = {r.seat: r for r in df.itertuples()}
    year = by_seat[ID + "membership/fixture-net-comune-a"]
    month = by_seat[ID + "membership/fixture-net-comune-b"]
    day = by_seat[ID + "representation/fixture-net-bruno"]
    assert (year.start, year.startPrecision) == (pd.Timestamp("2020-01-01"), "year")
    assert (month.start, month.startPrecision) == (pd.Timestamp("2020-01-01"), "month")
    assert (day.start, day.startPrecision) == (pd.Timestamp("2022-06-01"), "day")
    assert pd.isna(day.end) and pd.isna(day.endPrecision)


def test_an_empty_answer_keeps_the_declared_types(fixture_frames):
    df = fixture_frames.representations(forum="forum/no-such-forum")
    assert df.empty
    assert str(df["start"].dtype).startswith("datetime64")
    assert list(df.columns[:4]) == ["seat", "seatType", "agent", "agentLabel"]


def test_integers_and_labels_side_by_side(fixture_frames):
    df = fixture_frames.statement_sources(node="representation/fixture-net-bruno")
    assert str(df["start"].dtype) == "Int64" and list(df["start"]) == [54]
    columns = list(df.columns)
    assert columns.index("sourceLabel") == columns.index("source") + 1


def test_parameters_take_python_values(fixture_frames):
    by_date = fixture_frames.representations(as_of=dt.date(2022, 6, 15))
    by_text = fixture_frames.run("representations", as_of="2022-06-15")
    pd.testing.assert_frame_equal(by_date, by_text)
    assert ID + "representation/fixture-net-bruno" in set(by_date["seat"])
    assert ID + "representation/fixture-net-anna" not in set(by_date["seat"])
    with_memberships = fixture_frames.representations(include_memberships=True)
    assert len(with_memberships) > len(fixture_frames.representations(include_memberships=False))


def test_unknown_query_and_bad_parameter(fixture_frames):
    with pytest.raises(AttributeError, match="no named query 'colours'"):
        fixture_frames.colours()
    with pytest.raises(queries.QueryError) as err:
        fixture_frames.representations(as_of="soon")
    assert err.value.param == "as_of"
    assert "seat_changes" in dir(fixture_frames)


def test_module_functions_ask_the_shipped_data(shipped_store):
    pd.testing.assert_frame_equal(frames.actors(kind="forum"),
                                  frames.Frames(shipped_store).actors(kind="forum"))
    pd.testing.assert_frame_equal(frames.run("timeline"), frames.timeline())


def test_remote_endpoint_gives_the_same_frames(live_server, shipped_store):
    remote = frames.Frames(f"{live_server.url}/sparql")
    local = frames.Frames(shipped_store)
    for name in ("representations", "timeline", "actors"):
        pd.testing.assert_frame_equal(remote.run(name), local.run(name))


def test_column_header_lines_are_checked(tmp_path):
    good = tmp_path / "good.rq"
    good.write_text("# title: A\n# example: govgraph query good\n# column: day date - The day\n"
                    "SELECT ?day WHERE { }\n")
    assert queries.parse(good).columns == (queries.Column("day", "date", "The day"),)
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: B\n# column: day calendar - The day\nSELECT ?day WHERE { }\n")
    with pytest.raises(queries.QueryError, match=r"bad\.rq: bad '# column:' line"):
        queries.parse(bad)

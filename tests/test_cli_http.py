"""One execution path: ``govgraph query`` and ``/api/queries/NAME`` give the same bytes for the
same query, parameters, format and data: every named query, and every format."""

from __future__ import annotations

import httpx
import pytest

from conftest import LiveServer
from govgraph import formats
from govgraph.cli import main
from govgraph.querying import queries
from govgraph.querying.guard import outline
from govgraph.web.api import example_values

LIBRARY = queries.library()


def _values(query: queries.NamedQuery) -> dict[str, str]:
    """The first example's parameters when the query needs some, else none."""
    if not any(p.required for p in query.params):
        return {}
    return next(iter(example_values(query)), {})


def _cli(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes]:
    code = main(["query", *args, "--no-registry"])  # the data of the live_server fixture
    return code, capsysbinary.readouterr().out


def _kinds(name: str) -> frozenset[formats.Kind]:
    form = outline(LIBRARY[name].sparql).form
    return formats.GRAPH if form in ("construct", "describe") else formats.TABULAR


def _same_bytes(server: LiveServer, capsysbinary: pytest.CaptureFixture[bytes], name: str,
                fmt: formats.Format) -> None:
    """The named query in the format: the same bytes, or refused by both when the format is
    of the other kind."""
    values = _values(LIBRARY[name])
    params = [a for k, v in values.items() for a in ("--param", f"{k}={v}")]
    http = httpx.get(f"{server.url}/api/queries/{name}",
                     params={**values, "format": fmt.name}, timeout=60)
    code, out = _cli(capsysbinary, name, "--format", fmt.name, *params)
    if fmt.kinds == _kinds(name):
        assert http.status_code == 200, http.text
        assert code == 0
        assert out == http.content, (name, fmt.name)
    else:
        assert http.status_code == 406
        assert code == 2 and out == b""


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_every_query_gives_the_same_bytes(live_server: LiveServer, name: str,
                                          capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """In the first format of its kind, and refused alike in the first of the other kind."""
    ours = formats.of_kind(_kinds(name))[0]
    other = next(f for f in formats.FORMATS if f.kinds != _kinds(name))
    for fmt in (ours, other):
        _same_bytes(live_server, capsysbinary, name, fmt)


@pytest.mark.parametrize("fmt", formats.FORMATS, ids=lambda f: f.name)
def test_every_format_gives_the_same_bytes(live_server: LiveServer, fmt: formats.Format,
                                           capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """Serialising is shared by every query: each format on one query with parameters."""
    _same_bytes(live_server, capsysbinary, "representations", fmt)


def test_row_cap_and_time_limit_options(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out = _cli(capsysbinary, "forum-tree", "--format", "csv", "--max-rows", "1")
    assert code == 0 and len(out.decode().splitlines()) == 2  # the header and one row
    code, _ = _cli(capsysbinary, "forum-tree", "--timeout", "0.000001")
    assert code == 2

"""One execution path: ``govgraph query`` and ``/api/queries/NAME`` give the same bytes for the
same query, parameters, format and data, for every named query and every format."""

from __future__ import annotations

import httpx
import pytest

from conftest import LiveServer
from govgraph import formats
from govgraph.cli import main
from govgraph.querying import queries
from govgraph.querying.guard import shape
from govgraph.web.api import example_values

LIBRARY = queries.library()


def _values(query: queries.NamedQuery) -> dict[str, str]:
    """The first example's parameters when the query needs some, else none."""
    if not any(p.required for p in query.params):
        return {}
    return next(iter(example_values(query)), {})


def _cli(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes]:
    code = main(["query", *args])
    return code, capsysbinary.readouterr().out


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_cli_and_http_give_the_same_bytes(live_server: LiveServer, name: str,
                                          capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    query = LIBRARY[name]
    values = _values(query)
    params = [a for k, v in values.items() for a in ("--param", f"{k}={v}")]
    kinds = formats.GRAPH if shape(query.sparql).form in ("construct", "describe") \
        else formats.TABULAR
    for fmt in formats.FORMATS:
        http = httpx.get(f"{live_server.url}/api/queries/{name}",
                         params={**values, "format": fmt.name}, timeout=60)
        code, out = _cli(capsysbinary, name, "--format", fmt.name, *params)
        if fmt.kinds == kinds:
            assert http.status_code == 200, http.text
            assert code == 0
            assert out == http.content, (name, fmt.name)
        else:  # a format of the other kind: refused by both
            assert http.status_code == 406
            assert code == 2 and out == b""


def test_row_cap_and_time_limit_options(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out = _cli(capsysbinary, "forum-tree", "--format", "csv", "--max-rows", "1")
    assert code == 0 and len(out.decode().splitlines()) == 2  # the header and one row
    code, _ = _cli(capsysbinary, "forum-tree", "--timeout", "0.000001")
    assert code == 2

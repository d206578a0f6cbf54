"""ISTAT's "Elenco dei codici e delle denominazioni delle unità territoriali" (CSV) as records.

The file is ``;``-separated, one row per municipality, with a header whose cells may span lines
(quoted). ISTAT publishes it in Windows-1252 (a superset of Latin-1: the Slovene names of
Friuli-Venezia Giulia use its bytes 0x8A "Š" and 0x9E "ž"); a UTF-8 copy is read as well.
Columns are found by their header text, so a reordered file still reads; a missing column, a
malformed code or a unit described two ways is an :class:`InputError` naming the file and line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from govgraph.rdf.sources import InputError

#: The columns read, by ISTAT's header text (whitespace collapsed), and the format of each value.
COLUMNS: dict[str, tuple[str, str]] = {
    "region": ("Codice Regione", r"\d{2}"),
    "uts": ("Codice dell'Unità territoriale sovracomunale (valida a fini statistici)", r"\d{3}"),
    "province": ("Codice Provincia (Storico)(1)", r"\d{3}"),
    "code": ("Codice Comune formato alfanumerico", r"\d{6}"),
    "full_name": ("Denominazione (Italiana e straniera)", r".+"),
    "name_it": ("Denominazione in italiano", r".+"),
    "name_other": ("Denominazione altra lingua", r".*"),
    "region_name": ("Denominazione Regione", r".+"),
    "uts_name": ("Denominazione dell'Unità territoriale sovracomunale (valida a fini statistici)",
                 r".+"),
    "uts_type": ("Tipologia di Unità territoriale sovracomunale", r"[1-9]"),
    "capital": ("Flag Comune capoluogo di provincia/città metropolitana/libero consorzio",
                r"[01]"),
    "plate": ("Sigla automobilistica", r"[A-Z]{2}"),
    "cadastral": ("Codice Catastale del comune", r"[A-Z]\d{3}"),
    "nuts2": ("Codice NUTS2 2024 (3)", r"IT[A-Z0-9]{2}"),
    "nuts3": ("Codice NUTS3 2024", r"IT[A-Z0-9]{3}"),
}

T = TypeVar("T")

#: The NUTS version of the ``nuts2``/``nuts3`` columns.
NUTS_VERSION = "2024"


@dataclass(frozen=True)
class Region:
    code: str
    name: str


@dataclass(frozen=True)
class Uts:
    """A unità territoriale sovracomunale: province, metropolitan city, free consortium, ..."""

    code: str
    name: str
    type: str  # ISTAT's "Tipologia" digit
    province: str  # the historic province code
    plate: str
    region: str


@dataclass(frozen=True)
class Municipality:
    code: str
    name_it: str
    name_other: str  # "" when ISTAT gives no second-language name
    full_name: str
    cadastral: str
    capital: bool
    uts: str
    region: str
    nuts2: str
    nuts3: str
    line: int


@dataclass(frozen=True)
class Territory:
    """The whole list: regions, UTS and municipalities, each sorted by code."""

    regions: tuple[Region, ...]
    units: tuple[Uts, ...]
    municipalities: tuple[Municipality, ...]


def _header(cell: str) -> str:
    return " ".join(cell.split())


def decode(path: Path, raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(path, "neither UTF-8 nor Windows-1252 text",
                     hint="pass ISTAT's CSV as published (Windows-1252) or saved as UTF-8")


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, values by column key) for each data row."""
    reader = csv.reader(io.StringIO(decode(path, path.read_bytes()), newline=""), delimiter=";")
    header = [_header(c) for c in next(reader, [])]
    where: dict[str, int] = {}
    for key, (title, _) in COLUMNS.items():
        if title not in header:
            raise InputError(path, f"no column {title!r} in the header", line=1,
                             hint="is this ISTAT's 'Elenco dei codici e delle denominazioni "
                                  "delle unità territoriali' CSV (';'-separated)?")
        where[key] = header.index(title)
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise InputError(path, f"{len(row)} fields where the header has {len(header)}",
                             line=reader.line_num, hint="check the ';' separators of this row")
        values = {key: row[i].strip() for key, i in where.items()}
        for key, (title, pattern) in COLUMNS.items():
            if not re.fullmatch(pattern, values[key]):
                raise InputError(path, f"{title!r} is {values[key]!r}, expected /{pattern}/",
                                 line=reader.line_num, hint="fix the value or use ISTAT's file")
        yield reader.line_num, values


def _same(path: Path, line: int, seen: dict[str, T], key: str, value: T, what: str) -> None:
    """Record ``value`` for ``key``; a different value for the same key is an error."""
    if seen.setdefault(key, value) != value:
        raise InputError(path, f"{what} {key} is described differently from an earlier row",
                         line=line, hint="every row of one unit must repeat the same values")


def read(path: str | Path) -> Territory:
    """Read and check the whole file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file", hint="check the path")
    regions: dict[str, Region] = {}
    units: dict[str, Uts] = {}
    municipalities: dict[str, Municipality] = {}
    for line, v in _rows(path):
        _same(path, line, regions, v["region"], Region(v["region"], v["region_name"]), "region")
        _same(path, line, units, v["uts"], Uts(v["uts"], v["uts_name"], v["uts_type"],
                                               v["province"], v["plate"], v["region"]), "UTS")
        if v["code"] in municipalities:
            raise InputError(path, f"municipality code {v['code']} appears twice", line=line,
                             hint="each municipality is one row")
        if not v["code"].startswith(v["province"]):
            raise InputError(path, f"municipality code {v['code']} does not start with its "
                             f"historic province code {v['province']}", line=line,
                             hint="check the two codes of this row")
        municipalities[v["code"]] = Municipality(
            code=v["code"], name_it=v["name_it"], name_other=v["name_other"],
            full_name=v["full_name"], cadastral=v["cadastral"], capital=v["capital"] == "1",
            uts=v["uts"], region=v["region"], nuts2=v["nuts2"], nuts3=v["nuts3"], line=line)
    if not municipalities:
        raise InputError(path, "no municipality rows", hint="is the file empty or truncated?")
    return Territory(
        regions=tuple(r for _, r in sorted(regions.items())),
        units=tuple(u for _, u in sorted(units.items())),
        municipalities=tuple(m for _, m in sorted(municipalities.items())))

"""``govgraph diff``: who held what in a forum on two dates, and what changed in between."""

from __future__ import annotations

import argparse
import csv
import io
import json
from dataclasses import asdict

from govgraph.analysis import diff
from govgraph.cli.common import EXIT_OK, Subparsers, add_store_options, emit, store_for


def _csv(result: diff.Diff) -> bytes:
    """The changes, one row each (several principals joined by spaces, their labels by '; ')."""
    out = io.StringIO()
    names = ["change", "date", *(f for f in diff.Holding.__dataclass_fields__)]
    writer = csv.DictWriter(out, names, lineterminator="\n")
    writer.writeheader()
    for c in result.changes:
        row = asdict(c.holding)
        row["onBehalfOf"] = " ".join(c.holding.onBehalfOf)
        row["onBehalfOfLabels"] = "; ".join(c.holding.onBehalfOfLabels)
        writer.writerow({"change": c.change, "date": c.date, **row})
    return out.getvalue().encode()


FORMATS = {
    "text": lambda r: diff.as_text(r).encode(),
    "json": lambda r: json.dumps(r.as_json(), ensure_ascii=False, indent=1).encode() + b"\n",
    "csv": _csv,
}


def run(args: argparse.Namespace) -> int:
    window = diff.Window(args.start, args.end, args.forum, args.include_subforums)
    result = diff.diff(store_for(args), window)
    emit(FORMATS[args.format](result), args.output, f"{len(result.changes)} changes")
    return EXIT_OK


def register(sub: Subparsers) -> None:
    d = sub.add_parser("diff", help="seats (and offices) held in a forum on two dates, and "
                       "those that started or ended in between, with their sources")
    d.add_argument("--forum", metavar="IRI", help="the forum, e.g. forum/ctssm-bologna "
                   "(default: every forum)")
    d.add_argument("--include-subforums", action="store_true",
                   help="also the forum's parts (gg:partOfForum, any depth)")
    d.add_argument("--from", dest="start", required=True, metavar="DATE",
                   help="the first date (YYYY-MM-DD)")
    d.add_argument("--to", dest="end", required=True, metavar="DATE",
                   help="the second date (YYYY-MM-DD)")
    d.add_argument("--format", choices=tuple(FORMATS), default="text",
                   help="text (default), json (before, after, changes) or csv (the changes)")
    d.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
    add_store_options(d)
    d.set_defaults(func=run)

"""``govgraph diff``: who held what in a forum on two dates, and what changed in between."""

from __future__ import annotations

import argparse

from govgraph.analysis import diff
from govgraph.cli.common import EXIT_OK, Subparsers, add_store_options, emit, store_for


def run(args: argparse.Namespace) -> int:
    window = diff.Window(args.start, args.end, args.forum, args.include_subforums)
    result = diff.diff(store_for(args), window)
    emit(diff.write(result, args.format), args.output, f"{len(result.changes)} changes")
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
    d.add_argument("--format", choices=tuple(diff.FORMATS), default="text",
                   help="text (default), json (before, after, changes) or csv (the changes)")
    d.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
    add_store_options(d)
    d.set_defaults(func=run)

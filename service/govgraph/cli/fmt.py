"""``govgraph fmt``: rewrite Turtle files in house style; ``--check`` only says which differ."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

from govgraph.authoring import context, fmt
from govgraph.authoring.files import write_atomic
from govgraph.cli.common import EXIT_INVALID, EXIT_OK, Subparsers, warn
from govgraph.rdf import resources
from govgraph.rdf.sources import InputError


def run(args: argparse.Namespace) -> int:
    paths = fmt.turtle_files(args.files or [resources.folder("data")])
    changed = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(path, f"cannot read the file: {exc}") from exc
        formatted = fmt.format_text(text, path, partial(context.declared_texts, [path]))
        if formatted == text:
            continue
        changed.append(path)
        if args.check:
            warn(f"{path}: not in house style (run govgraph fmt {path})")
        else:
            write_atomic(path, formatted)
            warn(f"formatted {path}")
    if args.check:
        if changed:
            warn(f"{len(changed)} of {len(paths)} file(s) would be reformatted")
            return EXIT_INVALID
        warn(f"{len(paths)} file(s) in house style")
    return EXIT_OK


def register(sub: Subparsers) -> None:
    f = sub.add_parser("fmt", help="write Turtle files in house style",
                       description="Rewrite Turtle files in house style (deterministic, the "
                       "same graph), completing oa:start/oa:end of quotes that have prov:value "
                       "and prov:wasQuotedFrom but no offsets. Folders stand for the .ttl files "
                       "in them; no files means the shipped data/. --check: change nothing, exit "
                       "1 when a file is not formatted.")
    f.add_argument("files", nargs="*", type=Path, help="Turtle files or folders")
    f.add_argument("--check", action="store_true",
                   help="only report files not in house style (exit 1 if any)")
    f.set_defaults(func=run)

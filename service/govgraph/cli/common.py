"""What every command shares: exit codes, messages on stderr, the endpoint option, validation
before serving or loading."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govgraph.progress import Progress
from govgraph.rdf import sources
from govgraph.rdf.remote import RemoteStore
from govgraph.rdf.store import Store, load_store
from govgraph.validation import report
from govgraph.validation.cache import write_atomic
from govgraph.validation.validate import validate

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = Any

EXIT_OK, EXIT_INVALID, EXIT_INPUT = 0, 1, 2

#: Environment variable naming a remote SPARQL endpoint (``--endpoint``).
ENDPOINT_ENV = "GOVGRAPH_SPARQL_ENDPOINT"


def fail(message: str) -> int:
    print(f"govgraph: {message}", file=sys.stderr)
    return EXIT_INPUT


def warn(message: str) -> None:
    print(f"govgraph: {message}", file=sys.stderr)


def endpoint(args: argparse.Namespace) -> str | None:
    return args.endpoint or os.environ.get(ENDPOINT_ENV) or None


def valid(files: Sequence[sources.SourceFile], log: Progress, *, doing: str) -> bool:
    """Validate before serving or loading; print the report of data that does not conform."""
    rep = validate(files, progress=log)
    if not rep.conforms:
        sys.stderr.write(report.as_text(rep))
        fail(f"the data does not conform to the shapes; not {doing} it "
              f"(fix it, or pass --no-validate to go on anyway)")
        return False
    print(f"govgraph: data valid ({report.summary(rep)})", file=sys.stderr)
    return True


def data_files(data: Sequence[str] | None, *, registry: bool = True
               ) -> list[sources.SourceFile]:
    """The ``--data`` files, or the shipped dataset when none are given (without
    data/registry/ when ``registry`` is false)."""
    return ([sources.SourceFile.of(d) for d in data] if data
            else sources.shipped(registry=registry))


def add_registry_option(parser: argparse.ArgumentParser) -> None:
    """``--no-registry``: the shipped dataset with only the registry nodes the cases link to."""
    parser.add_argument("--no-registry", action="store_true",
                        help="of the registries of data/registry/ (ISTAT's regions, provinces "
                             "and municipalities) only the nodes the shipped cases link to: "
                             "quicker, less memory")


def add_store_options(parser: argparse.ArgumentParser) -> None:
    """``--data FILE``, ``--no-registry`` and ``--endpoint URL``: what :func:`store_for`
    opens."""
    parser.add_argument("--data", action="append", metavar="FILE",
                        help="these files (with the ontology and the reference data) instead "
                             "of the shipped dataset (repeatable)")
    add_registry_option(parser)
    parser.add_argument("--endpoint", metavar="URL",
                        help=f"ask this remote SPARQL endpoint instead (default: ${ENDPOINT_ENV}"
                             " when set)")


def store_for(args: argparse.Namespace) -> Store:
    """The remote store of ``--endpoint``, else the ``--data`` files with what they need
    around them, else the shipped dataset, loaded."""
    url = endpoint(args)
    if url:
        return RemoteStore(url)
    return load_store(sources.with_context(args.data) if args.data
                      else sources.shipped(registry=not args.no_registry))


def emit(data: bytes, output: str | None, what: str) -> None:
    """Results to stdout, or to the file ``output`` (written whole or not at all)."""
    if output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = Path(str(output))
    try:
        write_atomic(target, data)
    except OSError as exc:
        raise sources.InputError(target, f"cannot write the file: {exc.strerror}",
                                 hint="check that the folder exists and is writable") from exc
    print(f"govgraph: wrote {what} to {target}", file=sys.stderr)

"""govgraph: validate, query, export and serve the governance knowledge graph.

Results go to stdout, messages and progress to stderr, so commands compose in pipelines.
Exit codes: 0 success (valid data), 1 constraint violations, 2 unreadable input or bad usage.

One module per command, each with ``register(sub)`` adding its parser and ``run(args)``; a new
command is a module here and one entry in :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from govgraph import __version__
from govgraph.cli import (
    export,
    find,
    fmt,
    importsheet,
    load,
    newcase,
    query,
    quote,
    serve,
    site,
    validate,
)
from govgraph.cli.common import EXIT_OK, fail
from govgraph.querying import queries
from govgraph.rdf.sources import InputError

#: The commands, in the order ``govgraph --help`` lists them.
COMMANDS = (validate, query, export, serve, load, site, find, newcase, quote, importsheet, fmt)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="govgraph", description=__doc__.split("\n")[0] if __doc__
                                else None)
    p.add_argument("--version", action="version", version=f"govgraph {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except InputError as exc:
        return fail(str(exc))
    except queries.QueryError as exc:
        return fail(str(exc))
    except SyntaxError as exc:
        return fail(f"the query is not valid SPARQL: {exc}")
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130

"""govgraph: validate, query, export and serve the governance knowledge graph.

Results go to stdout, messages and progress to stderr, so commands compose in pipelines.
Exit codes: 0 success (valid data), 1 constraint violations, 2 unreadable input or bad usage.

One module per command, each with ``register(sub)`` adding its parser and ``run(args)``; a new
command is a module here (found by :data:`COMMANDS`).
"""

from __future__ import annotations

import argparse
import pkgutil
from collections.abc import Sequence
from importlib import import_module

from govgraph import __version__
from govgraph.cli.common import EXIT_OK, fail
from govgraph.querying import queries
from govgraph.rdf.sources import InputError

#: The commands: every module of this package that has ``register`` (``common`` has none),
#: listed by ``govgraph --help`` in alphabetical order.
COMMANDS = tuple(
    module for module in (import_module(f"{__name__}.{info.name}")
                          for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name))
    if hasattr(module, "register")
)


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

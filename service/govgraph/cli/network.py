"""``govgraph network``: a network of the graph for Gephi, networkx, igraph or R."""

from __future__ import annotations

import argparse

from govgraph.analysis import network
from govgraph.cli.common import EXIT_OK, Subparsers, add_store_options, emit, store_for


def run(args: argparse.Namespace) -> int:
    scope = network.Scope(as_of=args.as_of, region=args.region, forum_kind=args.forum_kind)
    graph = network.build(store_for(args), args.kind, scope)
    emit(network.write(graph, args.format), args.output,
         f"{graph.number_of_nodes()} nodes and {graph.number_of_edges()} edges")
    return EXIT_OK


def register(sub: Subparsers) -> None:
    n = sub.add_parser("network", help="export a network (bodies and forums, persons, "
                       "co-membership, principals and agents) as GraphML, GEXF, CSV or JSON",
                       description=network.__doc__.split("\n\n")[0] if network.__doc__ else None)
    n.add_argument("--kind", choices=network.KINDS, default="bodies-forums",
                   help="bodies-forums: principal -> forum; persons-forums: person or post -> "
                        "forum; bodies: bodies linked by the forums they share; "
                        "principals-agents: principal -> agent (default: bodies-forums)")
    n.add_argument("--as-of", metavar="DATE", help="only the seats valid on this date "
                   "(YYYY-MM-DD)")
    n.add_argument("--region", metavar="IRI", help="only the forums this region reaches (see "
                   "govgraph query region-forums), e.g. body/regione-lombardia")
    n.add_argument("--forum-kind", metavar="IRI", help="only forums of this kind, e.g. "
                   "concept/forum-kind/working-group")
    n.add_argument("--format", choices=tuple(network.FORMATS), default="graphml",
                   help="graphml, gexf, csv (a zip of nodes.csv and edges.csv) or json "
                        "(node-link); default graphml")
    n.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
    add_store_options(n)
    n.set_defaults(func=run)

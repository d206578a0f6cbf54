"""govgraph: an open knowledge graph of health-system governance actors, and the software that
validates and publishes it.

Four parts, one subpackage each (the map: docs/architecture.md): :mod:`govgraph.rdf` (data
access: the store protocol, input files, dumps), :mod:`govgraph.querying` (named queries and the
executor), :mod:`govgraph.validation` (SHACL validation) and :mod:`govgraph.web` (the HTTP
service); :mod:`govgraph.cli` has one module per command and :mod:`govgraph.formats` every format.

The library has one function for each job the CLI and the HTTP service share:

- :func:`govgraph.rdf.sources.shipped` / :func:`govgraph.rdf.store.load_store` load a dataset;
- :func:`govgraph.querying.queries.run_named_query` runs a named query of the query library;
- :func:`govgraph.validation.validate.validate` validates data against the shapes.
"""

__version__ = "0.1.0"

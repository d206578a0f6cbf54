"""govgraph: an open knowledge graph of health-system governance actors.

The library has one function for each job the CLI and the HTTP service share:

- :func:`govgraph.rdf.sources.discover` / :func:`govgraph.rdf.store.load_store` load a dataset;
- :func:`govgraph.querying.queries.run_named_query` runs a named query of the query library;
- :func:`govgraph.validation.validate.validate` validates data against the shapes.
"""

__version__ = "0.1.0"

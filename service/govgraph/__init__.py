"""govgraph: an open knowledge graph of health-system governance actors.

The library has one function for each job the CLI and the HTTP service share:

- :func:`govgraph.sources.discover` / :func:`govgraph.store.load_store` load a dataset;
- :func:`govgraph.queries.run_named_query` runs a named query of the query library;
- :func:`govgraph.validate.validate` validates data against the shapes.
"""

__version__ = "0.1.0"

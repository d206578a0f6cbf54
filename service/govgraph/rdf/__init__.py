"""RDF data access: the store protocol and its embedded and remote implementations, input files,
namespaces, dumps."""

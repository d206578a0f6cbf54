"""Registries of actors built by importers the project ships (rerunnable, deterministic).

``istat``: ISTAT's list of territorial units read into records; ``release``: which release a file
is and where it came from; ``territory``: the records as RDF (bodies, identifiers, hierarchy);
``turtle``: deterministic Turtle output. See docs/registry.md.
"""

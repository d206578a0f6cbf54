"""Validation: pyshacl and the fast engine, incremental runs and their caches, reports."""

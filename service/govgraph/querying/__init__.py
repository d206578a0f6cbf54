"""Query running: the named-query library, parameter binding, the query guard, the executor and its
worker pool, result formats."""

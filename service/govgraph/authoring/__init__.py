"""Authoring tools: source texts, quotes, the Turtle formatter, look-ups, new cases, sheets."""

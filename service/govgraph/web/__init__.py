"""The web service: the app factory, the routers (SPARQL, API, linked-data pages), content
negotiation, the static site."""

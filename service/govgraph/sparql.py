"""The SPARQL 1.1 Protocol endpoint ``/sparql`` (see the module's router)."""

from __future__ import annotations

from fastapi import APIRouter


def router() -> APIRouter:
    return APIRouter()

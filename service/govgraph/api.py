"""The named-query API ``/api/...`` (see the module's router)."""

from __future__ import annotations

from fastapi import APIRouter


def router() -> APIRouter:
    return APIRouter()

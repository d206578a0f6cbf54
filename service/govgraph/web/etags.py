"""Entity tags for every router: weak tags made from what the answer depends on, and
``If-None-Match`` read as RFC 9110 says (a list of tags or ``*``, weak comparison)."""

from __future__ import annotations

import hashlib
import json
import re

from fastapi import Request
from fastapi.responses import Response

_TAG = re.compile(r'\s*(?:W/)?"([^"]*)"\s*(?:,|$)')


def make(*parts: object) -> str:
    """A weak tag from the parts the answer depends on (dataset version, request, format)."""
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def listed(header: str) -> set[str] | None:
    """The opaque tags of an ``If-None-Match`` header; None for ``*`` (any)."""
    if header.strip() == "*":
        return None
    return {m.group(1) for m in _TAG.finditer(header)}


def fresh(request: Request, tag: str) -> bool:
    """Whether the client's copy (``If-None-Match``) is ``tag``, by weak comparison."""
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    tags = listed(header)
    return tags is None or tag.removeprefix("W/").strip('"') in tags


def not_modified(headers: dict[str, str]) -> Response:
    """304 with the headers the 200 would have had (ETag, Cache-Control, Vary)."""
    return Response(status_code=304, headers=headers)

"""Content negotiation: the best of the server's media types for a client's ``Accept`` header.

One generic negotiator (RFC 9110, section 12.5.1) for every resource of the service:

* each offered type takes its quality from the *most specific* media range that matches it
  (``type/subtype;param=value`` > ``type/subtype`` > ``type/*`` > ``*/*``), so
  ``text/*;q=0.1, text/csv`` prefers ``text/csv`` and ``*/*, text/csv;q=0`` excludes it;
* ``q=0`` means "not acceptable";
* among offered types of equal quality the server's order decides (its first is its favourite);
* parameters of a range must be carried by the offered type, except ``charset=utf-8``, which
  every representation of this service has.

It never raises: a missing, empty or wholly unreadable header means ``*/*``; unreadable ranges
in an otherwise readable header are skipped; only the first :data:`MAX_RANGES` ranges of an
absurdly long header are read.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from govgraph import formats
from govgraph.formats import Format, Kind

#: Ranges read from one header; the rest of a longer header is ignored.
MAX_RANGES = 64
#: Characters of a header read; the rest is ignored.
MAX_HEADER = 4096

_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class MediaRange:
    """One element of an ``Accept`` header: ``type/subtype;params;q=quality``."""

    type: str
    subtype: str
    params: tuple[tuple[str, str], ...] = ()
    q: float = 1.0

    @property
    def specificity(self) -> int:
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 2 + len(self.params)

    def matches(self, offered: MediaRange) -> bool:
        if self.type not in ("*", offered.type) or self.subtype not in ("*", offered.subtype):
            return False
        have = dict(offered.params)
        return all(have.get(k) == v or (k == "charset" and v == "utf-8" and k not in have)
                   for k, v in self.params)


def _token(text: str) -> str | None:
    text = text.strip().lower()
    return text if text and all(c in _TOKEN for c in text) else None


def _quality(text: str) -> float | None:
    """An RFC 9110 qvalue (``0``, ``0.5``, ``1.000``), or None if malformed."""
    text = text.strip()
    if not text or len(text) > 5 or text[0] not in "01":
        return None
    whole, _, frac = text.partition(".")
    if len(whole) != 1 or (not frac.isdigit() and frac != "") or len(frac) > 3:
        return None
    value = float(whole + "." + (frac or "0"))
    return value if value <= 1.0 else None


def parse_media_type(text: str) -> MediaRange | None:
    """Parse one ``type/subtype;k=v;q=0.5`` (or the lone ``*`` some clients send)."""
    head, *parts = text.split(";")
    head = head.strip()
    if head == "*":
        head = "*/*"
    main, slash, sub = head.partition("/")
    type_, subtype = _token(main), _token(sub)
    if not slash or type_ is None or subtype is None or (type_ == "*" and subtype != "*"):
        return None
    params: list[tuple[str, str]] = []
    q = 1.0
    for part in parts:
        key, eq, value = part.partition("=")
        name = _token(key)
        if name is None or not eq:
            if not part.strip():
                continue
            return None
        value = value.strip().strip('"').lower()
        if name == "q":
            quality = _quality(value)
            if quality is None:
                return None
            q = quality
            break  # what follows q are accept-extensions, not media-type parameters
        params.append((name, value))
    return MediaRange(type_, subtype, tuple(params), q)


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; ``*/*`` when there are none readable."""
    ranges: list[MediaRange] = []
    if header:
        for item in header[:MAX_HEADER].split(",")[:MAX_RANGES]:
            if item.strip():
                parsed = parse_media_type(item)
                if parsed is not None:
                    ranges.append(parsed)
    return ranges or [MediaRange("*", "*")]


def quality(ranges: Sequence[MediaRange], offered: str) -> float:
    """The quality the client gives ``offered``: that of the most specific matching range."""
    target = parse_media_type(offered)
    if target is None:
        return 0.0
    best_specificity, best_q = -1, 0.0
    for media_range in ranges:
        if media_range.matches(target):
            spec = media_range.specificity
            if spec > best_specificity or (spec == best_specificity and media_range.q > best_q):
                best_specificity, best_q = spec, media_range.q
    return best_q


def negotiate(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client likes best (server order breaks ties), or None."""
    return _negotiate(accept, tuple(offered))


def negotiate_format(accept: str | None, kinds: frozenset[Kind]) -> Format | None:
    """The format of a family (:data:`govgraph.formats.TABULAR` or ``GRAPH``) the client likes
    best, or None."""
    chosen = negotiate(accept, formats.media_types(kinds))
    return formats.by_media_type(chosen, kinds) if chosen else None


@functools.lru_cache(maxsize=512)
def _negotiate(accept: str | None, offered: tuple[str, ...]) -> str | None:
    # Cached: clients send the same few Accept headers, and parsing one costs ~0.1 ms.
    ranges = parse_accept(accept)
    best: str | None = None
    best_q = 0.0
    for media_type in offered:
        q = quality(ranges, media_type)
        if q > best_q:
            best, best_q = media_type, q
    return best


def not_acceptable(offered: Sequence[str], *, what: str = "this resource") -> str:
    """A 406 body that tells the client which media types it could ask for instead."""
    listing = "".join(f"  {media_type}\n" for media_type in dict.fromkeys(offered))
    return (f"None of the media types in your Accept header is available for {what}.\n"
            f"Ask for one of these (Accept header), or add format=... to the URL:\n{listing}")

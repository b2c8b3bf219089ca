"""The feedparser path: everything the fast path declines.

Broken XML (feedparser's "bozo" mode keeps what it could read), DOCTYPEs and entities, other
encodings, RSS 0.9x, Atom 0.3, CDF, xhtml content, xml:base...

feedparser is only ever handed bytes in a BytesIO: given a string or bytes it would try to open
them as a URL or a local file.
"""

from __future__ import annotations

import io
import xml.sax

from veille_tui.core.feeds.items import RawEntry
from veille_tui.core.text import shorten

MALFORMED = "malformed XML"


def parse_with_feedparser(data: bytes) -> tuple[str, list[RawEntry], str | None] | str:
    """(title, entries, bozo message or None), or the error when nothing like a feed is there."""
    import feedparser

    # BytesIO: feedparser reads a file-like object as the document itself. Sanitising and URI
    # resolution are done by this package for both paths (feeds/html.py, links.absolute_link).
    fp = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
    entries: list[RawEntry] = []
    for e in fp.entries:
        content = e.get("content") or []
        first = content[0] if content else None
        detail = e.get("author_detail") or {}
        entries.append(
            RawEntry(
                guid=e.get("id"),
                link=e.get("link"),
                title=e.get("title") or "",
                title_type=(e.get("title_detail") or {}).get("type"),
                date=dict.get(e, "published_parsed") or dict.get(e, "updated_parsed"),
                summary=e.get("summary"),
                summary_type=(e.get("summary_detail") or {}).get("type"),
                content=first.get("value") if first is not None else None,
                content_type=first.get("type") if first is not None else None,
                author=detail.get("name") or e.get("author") or "",
                categories=[t.get("term") or "" for t in e.get("tags") or []],
            )
        )
    title: str = fp.feed.get("title") or ""
    bozo = None
    if fp.get("bozo"):
        exc = fp.get("bozo_exception")
        bozo = describe_bozo(exc)
    if not entries:
        if bozo:
            return f"not a feed: {bozo}"
        if not fp.get("version"):
            return "not a feed: no RSS, Atom or JSON feed found"
    return title, entries, bozo


def describe_bozo(exc: object) -> str:
    """feedparser's complaint for the user: broken XML says so, with its line."""
    if isinstance(exc, xml.sax.SAXParseException):
        return f"{MALFORMED} at line {exc.getLineNumber()}: {shorten(exc.getMessage())}"
    return shorten(str(exc) or type(exc).__name__)

"""Feed bytes → items. RSS 0.9x/1.0/2.0, Atom, JSON Feed: the entry point and the choice of path.

- JSON Feed (jsonfeed.py) when the document or its Content-Type says JSON;
- the fast path (fast.py) for well-formed UTF-8 RSS 2.0, RSS 1.0 and Atom 1.0: lxml, with
  feedparser's rules for each element it reads (feedparser_rules.py);
- feedparser (fallback.py) for everything the fast path declines: broken XML keeps what could be
  read, with a warning naming the XML error and its line;
- an XML entity bomb (xmlcheck.py) is refused as such before either XML path sees it.

Each reader gives RawEntry fields; items.py turns them into Items (html.py makes the bodies
Markdown). The two XML paths give the same items: tests/unit/test_feedparse.py runs both on
fixtures and on generated feeds.
"""

from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass, field
from typing import Any

from veille_tui.core.feeds.fallback import MALFORMED, parse_with_feedparser

# The fast path under private names: the tests patch _fast_parse and catch _Fallback here.
from veille_tui.core.feeds.fast import parse_fast as _fast_parse
from veille_tui.core.feeds.feedparser_rules import Fallback as _Fallback
from veille_tui.core.feeds.html import MAX_BODY
from veille_tui.core.feeds.items import MAX_TITLE, RawEntry, build, build_items, clip_line
from veille_tui.core.feeds.jsonfeed import parse_json_feed
from veille_tui.core.feeds.xmlcheck import entity_bomb, xml_error
from veille_tui.core.models import Item
from veille_tui.core.text import shorten

__all__ = ["MAX_BODY", "MAX_TITLE", "ParsedFeed", "is_well_formed", "parse_feed", "parse_with"]


@dataclass
class ParsedFeed:
    title: str
    items: list[Item] = field(default_factory=list)
    error: str | None = None
    parser: str = ""  # "fast" | "feedparser" | "json" (which path produced the items)
    warning: str | None = None  # read, but not all of it: malformed XML, entries dropped
    found: Any = None  # what the fetch's `then` made of the items in the parser process (pool.Parser)


def parse_feed(data: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed document. Never raises: a document that is not a feed gives ``error``."""
    try:
        return _parse(data, url, content_type)
    except Exception as exc:  # a bug or a pathological document must not kill a whole fetch
        return ParsedFeed("", [], f"not a feed: {type(exc).__name__}: {shorten(str(exc))}")


def _parse(data: bytes, url: str, content_type: str | None) -> ParsedFeed:
    if not data or not data.strip():
        return ParsedFeed("", [], "not a feed: empty document")
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    ctype = (content_type or "").lower()
    if head.startswith((b"{", b"[")) or ("json" in ctype and not head.startswith(b"<")):
        parsed = parse_json_feed(data)
        if isinstance(parsed, str):
            return ParsedFeed("", [], parsed)
        title, entries = parsed
        return _built(title, entries, url, "json")
    bomb = entity_bomb(data)
    if bomb:
        return ParsedFeed("", [], bomb)
    try:
        raw = _fast_parse(data)
    except _Fallback:
        raw = None
    if raw is not None:
        title, entries = raw
        return _built(title, entries, url, "fast")
    result = parse_with_feedparser(data)
    if isinstance(result, str):
        return ParsedFeed("", [], _where(result, data))
    title, entries, bozo = result
    feed = _built(title, entries, url, "feedparser")
    bozo = _where(bozo, data) if bozo else None
    if bozo and not feed.items:  # broken, and nothing usable came out of it
        return ParsedFeed(feed.title, [], f"not a feed: {bozo}", "feedparser")
    if bozo and bozo.startswith(MALFORMED):  # broken: what could be read is kept, and said
        kept = f"{bozo}; kept the {len(feed.items)} item(s) that could be read"
        feed.warning = f"{kept}; {feed.warning}" if feed.warning else kept
    return feed


def _where(message: str, data: bytes) -> str:
    """feedparser's malformed-XML message with the line in the document as it came (feedparser
    numbers the lines of its own rewritten copy)."""
    if MALFORMED not in message:
        return message
    found = xml_error(data)
    if found is None:
        return message
    return message[: message.index(MALFORMED)] + f"{MALFORMED} at line {found[0]}: {found[1]}"


def _built(title: str, entries: list[RawEntry], url: str, path: str) -> ParsedFeed:
    items, dropped = build(entries, url)
    warning = f"{dropped} item(s) with neither title nor link dropped" if dropped else None
    return ParsedFeed(clip_line(title, MAX_TITLE), items, None, path, warning)


# --------------------------------------------------------------------------------------------
# Used by the differential tests and the benchmark


def parse_with(data: bytes, url: str, path: str) -> ParsedFeed:
    """Parse with one path only: "fast" (raises Fallback if it declines) or "feedparser"."""
    if path == "fast":
        raw = _fast_parse(data)
        if raw is None:
            raise _Fallback("declined")
        title, entries = raw
    else:
        result = parse_with_feedparser(data)
        if isinstance(result, str):
            return ParsedFeed("", [], result, "feedparser")
        title, entries, _bozo = result
    return ParsedFeed(clip_line(title, MAX_TITLE), build_items(entries, url), None, path)


def is_well_formed(data: bytes) -> bool:
    """Expat well-formedness (used by tests)."""
    p = xml.parsers.expat.ParserCreate()
    try:
        p.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        return False
    return True

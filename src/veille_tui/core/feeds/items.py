"""The fields every path reads from an entry (RawEntry), and what turns them into Items.

Each reader (fast.py, fallback.py, jsonfeed.py) gives RawEntry objects; build_items bounds and
cleans every field, dates them in UTC, makes the link absolute, and drops
entries seen before (same guid, or same link when there is no guid) and entries with neither
title nor link (counted: the feed's warning says how many).

An HTML body is kept as HTML (bounded) with its plain-text form as the summary (what search reads):
its Markdown is made when the entry is first shown (core/markup.py), not here; a text body is its
Markdown already.
"""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from veille_tui.core.feeds.html import HTML_TYPES, MAX_RAW_BODY, body_to_markdown, html_to_search_text, html_to_text
from veille_tui.core.links import absolute_link
from veille_tui.core.models import Item
from veille_tui.core.text import clean, clean_line

MAX_TITLE = 500
MAX_GUID = 1_024
MAX_AUTHOR = 200
MAX_CATEGORIES = 50
MAX_CATEGORY = 100


@dataclass
class RawEntry:
    guid: str | None
    link: str | None
    title: str
    date: time.struct_time | None
    summary: str | None
    summary_type: str | None
    content: str | None  # the first content element
    content_type: str | None
    author: str
    categories: list[str]
    title_type: str | None = None  # text/html or application/xhtml+xml: markup to turn into text


def build_items(entries: list[RawEntry], base_url: str) -> list[Item]:
    return build(entries, base_url)[0]


def build(entries: list[RawEntry], base_url: str) -> tuple[list[Item], int]:
    """(items, how many entries were dropped for having neither title nor link)."""
    items: list[Item] = []
    seen: set[str] = set()
    dropped = 0
    for e in entries:
        item = _build_item(e, base_url)
        if item is None:
            dropped += 1
            continue
        key = item.guid or item.link
        if key:
            if key in seen:
                continue
            seen.add(key)
        items.append(item)
    return items, dropped


def _build_item(e: RawEntry, base_url: str) -> Item | None:
    guid = clean(e.guid).strip()[:MAX_GUID] if e.guid else ""
    link = absolute_link(e.link, base_url)
    title = clip_line(html_to_text(e.title[: MAX_TITLE * 8]) if e.title_type in HTML_TYPES else e.title, MAX_TITLE)
    if not (link or title):  # nothing to show nor to open: dropped (and counted)
        return None
    date, ts = _date(e.date)
    if e.content is not None and len(e.content) >= len(e.summary or ""):
        body, btype = e.content, e.content_type or "text/html"
    else:
        body, btype = e.summary or "", e.summary_type or "text/html"
    html: str | None = None
    base = link or base_url
    if btype in HTML_TYPES and body:
        html = body[:MAX_RAW_BODY]
        summary = html_to_search_text(html, base)
    else:
        summary = body_to_markdown(body, btype, base)
    author = clip_line(e.author, MAX_AUTHOR)
    cats: dict[str, None] = {}
    for c in e.categories:
        c = clip_line(c, MAX_CATEGORY)
        if c:
            cats.setdefault(c, None)
        if len(cats) >= MAX_CATEGORIES:
            break
    return Item(
        guid=guid or None,
        link=link,
        title=title,
        date=date,
        ts=ts,
        summary=summary,
        author=author,
        categories=tuple(cats),
        html=html,
        html_base=base if html is not None else "",
    )


def clip_line(text: str | None, limit: int) -> str:
    """One display line (titles, names) of at most ``limit`` characters."""
    if not text:
        return ""
    # bound the work on absurd input before cleaning, then cut the cleaned line
    line = clean_line(text[: limit * 8])
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


def _date(st: time.struct_time | None) -> tuple[str | None, int | None]:
    if st is None:
        return None, None
    try:
        ts = calendar.timegm(st)
        iso = datetime.fromtimestamp(ts, UTC).isoformat()
    except (OverflowError, ValueError, OSError, TypeError):
        return None, None
    return iso, ts

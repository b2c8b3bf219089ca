"""JSON Feed (https://jsonfeed.org/version/1.1), which feedparser does not read.

Items are read into the same RawEntry fields as the XML paths (content_html over content_text,
the first author, string tags), dated with feedparser's date parser.
"""

from __future__ import annotations

import json

from veille_tui.core.feeds.feedparser_rules import parse_date
from veille_tui.core.feeds.items import RawEntry
from veille_tui.core.text import shorten


def parse_json_feed(data: bytes) -> tuple[str, list[RawEntry]] | str:
    """(title, entries), or the error when the document is not a JSON Feed."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        return f"not a feed: invalid JSON: {shorten(str(exc))}"
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith("https://jsonfeed.org/version/"):
        return "not a feed: JSON without a JSON Feed version"
    raw_items = doc.get("items")
    if not isinstance(raw_items, list):
        return "not a feed: JSON Feed without items"
    entries: list[RawEntry] = []
    for it in raw_items:
        if not isinstance(it, dict):  # not an item: kept empty, so that it is counted as dropped
            entries.append(RawEntry(None, None, "", None, None, None, None, None, "", []))
            continue
        raw_id = it.get("id")
        guid = str(raw_id) if isinstance(raw_id, (str, int, float)) and not isinstance(raw_id, bool) else None
        link = _str(it.get("url")) or _str(it.get("external_url"))
        html = _str(it.get("content_html"))
        text = _str(it.get("content_text"))
        summary = _str(it.get("summary"))
        content: str | None
        if html:
            content, ctype = html, "text/html"
        elif text:
            content, ctype = text, "text/plain"
        else:
            content, ctype = None, None
        author = ""
        authors = it.get("authors")
        if isinstance(authors, list) and authors and isinstance(authors[0], dict):
            author = _str(authors[0].get("name"))
        elif isinstance(it.get("author"), dict):
            author = _str(it["author"].get("name"))
        tags = it.get("tags")
        cats = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
        entries.append(
            RawEntry(
                guid=guid,
                link=link or None,
                title=_str(it.get("title")),
                date=parse_date(_str(it.get("date_published"))) or parse_date(_str(it.get("date_modified"))),
                summary=summary or None,
                summary_type="text/plain",
                content=content,
                content_type=ctype,
                author=author,
                categories=cats,
            )
        )
    return _str(doc.get("title")), entries


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""

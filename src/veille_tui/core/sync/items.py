"""What the server's subscriptions and items hold, checked and cleaned like a feed's: a field of the
wrong type is left out, text is bounded and stripped of control characters (through the feed
path's own item building, core/feeds/items.py), an item with neither title nor link dropped."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from veille_tui.core.feeds.items import MAX_TITLE, RawEntry, build_items, clip_line
from veille_tui.core.models import Item
from veille_tui.core.sync.client import READ, STARRED, parse_item_id
from veille_tui.core.text import normalize_tag

LABEL = "user/-/label/"
MAX_URL = 2048
MAX_BODY = 500_000


@dataclass(frozen=True)
class ServerFeed:
    stream_id: str  # `feed/12`
    url: str
    title: str
    tags: tuple[str, ...]  # its categories (labels) as tags


@dataclass(frozen=True)
class ServerItem:
    server_id: int
    stream_id: str  # the feed it came from
    item: Item
    read: bool
    starred: bool
    crawled: int  # seconds: when the server stored it (what `ot` compares)


def server_feeds(raw: list[dict[str, Any]]) -> list[ServerFeed]:
    feeds: dict[str, ServerFeed] = {}
    for sub in raw:
        stream_id, url = sub.get("id"), sub.get("url")
        if not isinstance(stream_id, str) or not stream_id.startswith("feed/") or len(stream_id) > MAX_URL:
            continue
        if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")) or len(url) > MAX_URL:
            continue
        title = clip_line(sub.get("title") if isinstance(sub.get("title"), str) else "", MAX_TITLE)
        tags: list[str] = []
        for cat in sub.get("categories") or []:
            label = cat.get("label") if isinstance(cat, dict) else None
            if not isinstance(label, str) and isinstance(cat, dict) and isinstance(cat.get("id"), str):
                label = cat["id"].removeprefix(LABEL) if cat["id"].startswith(LABEL) else None
            tag = normalize_tag(label) if isinstance(label, str) else ""
            if tag and tag != "uncategorized" and tag not in tags:
                tags.append(tag)
        feeds[stream_id] = ServerFeed(stream_id, url.strip(), title, tuple(tags[:20]))
    return list(feeds.values())


def server_item(raw: dict[str, Any]) -> ServerItem | None:
    """One item of stream/contents, or None when it cannot be one (no id, no feed, nothing to show)."""
    server_id = parse_item_id(raw.get("id"))
    origin = raw.get("origin")
    stream_id = origin.get("streamId") if isinstance(origin, dict) else None
    if server_id is None or not isinstance(stream_id, str) or not stream_id.startswith("feed/"):
        return None
    categories = [c for c in raw.get("categories") or [] if isinstance(c, str)] if _list(raw, "categories") else []
    own = [c.removeprefix(LABEL) for c in categories if not c.startswith("user/") or c.startswith(LABEL)]
    body = raw.get("summary") if isinstance(raw.get("summary"), dict) else raw.get("content")
    content = body.get("content") if isinstance(body, dict) else None
    published = raw.get("published")
    date = time.gmtime(published) if isinstance(published, int) and 0 < published < 2**33 else None
    entries = build_items(
        [
            RawEntry(
                guid=f"greader:{server_id}",
                link=_link(raw),
                title=_text(raw, "title"),
                date=date,
                summary=content[:MAX_BODY] if isinstance(content, str) else None,
                summary_type="text/html",
                content=None,
                content_type=None,
                author=_text(raw, "author"),
                categories=[c for c in own if c.lower() != "uncategorized"],
            )
        ],
        _link(raw) or "",
    )
    if not entries:
        return None
    crawl = raw.get("crawlTimeMsec")
    crawled = int(crawl) // 1000 if isinstance(crawl, str) and crawl.isdigit() and len(crawl) <= 16 else 0
    return ServerItem(server_id, stream_id, entries[0], READ in categories, STARRED in categories, crawled)


def _text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    return value if isinstance(value, str) else ""


def _list(raw: dict[str, Any], key: str) -> bool:
    return isinstance(raw.get(key), list)


def _link(raw: dict[str, Any]) -> str | None:
    for key in ("canonical", "alternate"):
        links = raw.get(key)
        if isinstance(links, list):
            for link in links:
                href = link.get("href") if isinstance(link, dict) else None
                if isinstance(href, str) and href.lower().startswith(("http://", "https://")) and len(href) <= MAX_URL:
                    return href.strip()
    return None

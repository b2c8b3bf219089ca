"""Feed HTML for the feed readers: core/markup.py holds the conversions (the store makes an item's
Markdown from its HTML when the entry is first shown, so they live beside it, not in this package)."""

from __future__ import annotations

from veille_tui.core.markup import (
    HTML_TYPES,
    MAX_BODY,
    MAX_RAW_BODY,
    body_to_markdown,
    html_to_markdown,
    html_to_search_text,
    html_to_text,
    safe_links,
)

__all__ = [
    "HTML_TYPES",
    "MAX_BODY",
    "MAX_RAW_BODY",
    "body_to_markdown",
    "html_to_markdown",
    "html_to_search_text",
    "html_to_text",
    "safe_links",
]

"""Full text: an article page fetched with the feed rules (page.py), its main text extracted to
Markdown (extract.py), for `extract`, `f` and fetch time. quality.py scores an extraction."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from veille_tui.core.fulltext import extract as extraction
from veille_tui.core.fulltext.page import PageError, RawPage, decode, fetch, read_file
from veille_tui.core.models import FetchSettings, FullText

if TYPE_CHECKING:
    from veille_tui.core.net import Reach

__all__ = ["PageError", "from_file", "from_page", "from_urls"]


def from_page(page: RawPage) -> FullText:
    """The main text of a downloaded or read page; raises PageError naming it."""
    html = decode(page)
    try:
        return extraction.extract(html, page.source)
    except extraction.NoText as exc:
        raise PageError(page.source, str(exc)) from None


def from_file(path: Path, settings: FetchSettings) -> FullText:
    """The main text of a saved page (.html, .html.gz), at most settings.max_bytes."""
    return from_page(read_file(path, settings.max_bytes))


def from_urls(
    urls: list[str], settings: FetchSettings, per_host: int = 2, reach: Sequence[Reach] | None = None
) -> list[FullText | PageError]:
    """Each URL's main text, or why not, in order (at most per_host downloads at once per host).
    reach: where each URL may go (core/net/urls.py; default anywhere: the user asked)."""
    found: list[FullText | PageError] = []
    for page in fetch(urls, settings, per_host, reach):
        if isinstance(page, PageError):
            found.append(page)
            continue
        try:
            found.append(from_page(page))
        except PageError as exc:
            found.append(exc)
    return found

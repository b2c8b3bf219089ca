"""The one HTTP room: the client, URL checks (schemes, where an automatic fetch may go), size caps
and bounded decoding, redirects, conditional GET, per-host limits and the errors. Feeds, intel,
full text and sync use it through these names; no other module imports httpx.

client.py (one download with our rules), wire.py (the HTTP/1.1 keep-alive client it sends
through; httpx, imported then, for a proxy, user info, a non-ASCII host), urls.py (which URLs,
which addresses: Reach), pages.py (many at once, per-host limits, pages, run_sync), session.py
(a synchronous session with one server, on httpx), decode.py (bodies decoded in bounded steps),
errors.py (NetError).
"""

from __future__ import annotations

from veille_tui.core.net.client import MAX_REDIRECTS, AsyncClient, Response, async_client, download, retry_after
from veille_tui.core.net.decode import size_text
from veille_tui.core.net.errors import NetError, error_text, short_reason, status_text
from veille_tui.core.net.pages import HostLimits, Page, download_page, fetch_pages, run_sync
from veille_tui.core.net.session import Session, TooLarge
from veille_tui.core.net.urls import ANYWHERE, Reach, check_url, host_key, host_of, is_global

__all__ = [
    "ANYWHERE",
    "MAX_REDIRECTS",
    "AsyncClient",
    "HostLimits",
    "NetError",
    "Page",
    "Reach",
    "Response",
    "Session",
    "TooLarge",
    "async_client",
    "check_url",
    "download",
    "download_page",
    "error_text",
    "fetch_pages",
    "host_key",
    "host_of",
    "is_global",
    "retry_after",
    "run_sync",
    "short_reason",
    "size_text",
    "status_text",
]

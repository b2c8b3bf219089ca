"""The sync's pull of read states against a Google Reader API on loopback (pytest-httpserver): an
entry becomes read only when the server lists it as read, never because it is gone from the
server's unread ids (purged there, or of a feed hidden from its main stream)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from veille_tui.core.config import SyncSettings
from veille_tui.core.models import Item
from veille_tui.core.store import Store
from veille_tui.core.store.sync import NewServerItem, ServerFeedRow
from veille_tui.core.sync.client import READ, READING_LIST, STARRED
from veille_tui.core.sync.engine import sync
from veille_tui.core.update import open_store

API = "/api/greader.php"
FEED: dict[str, Any] = {"id": "feed/4", "url": "https://wire.example.org/rss", "title": "Wire", "categories": []}


def stored(store: Store, server_ids: dict[int, bool]) -> None:
    """Items a sync stored before: their server ids, read here or not."""
    feed_ids = store.apply_server_feeds([ServerFeedRow("feed/4", FEED["url"], "Wire", ())])
    items = [
        Item(
            f"greader:{n}",
            f"https://wire.example.org/{n}",
            f"Story {n}",
            "2026-05-01T00:00:00+00:00",
            1777593600 + n,
            "",
        )
        for n in server_ids
    ]
    with store.transaction():
        store.add_items(feed_ids["feed/4"], items, 1777593600.0)
        store.link_server_items(
            feed_ids["feed/4"], [NewServerItem(n, f"greader:{n}", read, False) for n, read in server_ids.items()]
        )


def serve(httpserver: HTTPServer, unread: list[int], read: list[int]) -> None:
    def ids(request: Request) -> Response:
        stream, exclude = request.args.get("s"), request.args.get("xt")
        streams: dict[tuple[str | None, str | None], list[int]] = {
            (READING_LIST, READ): unread,
            (READ, None): read,
            (STARRED, None): [],
        }
        found = streams[(stream, exclude)]
        refs = [{"id": str(n)} for n in found]
        return Response(json.dumps({"itemRefs": refs}), content_type="application/json")

    login = "SID=a/1\nLSID=null\nAuth=a/1\n"
    httpserver.expect_request(f"{API}/accounts/ClientLogin", method="POST").respond_with_data(login)
    httpserver.expect_request(f"{API}/reader/api/0/token").respond_with_data("t-1\n")
    httpserver.expect_request(f"{API}/reader/api/0/subscription/list").respond_with_json({"subscriptions": [FEED]})
    httpserver.expect_request(f"{API}/reader/api/0/stream/contents/{READING_LIST}").respond_with_json({"items": []})
    httpserver.expect_request(f"{API}/reader/api/0/stream/items/ids").respond_with_handler(ids)


def test_an_unread_item_the_server_no_longer_lists_stays_unread(httpserver: HTTPServer, tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("pw\n")
    (tmp_path / "pw").chmod(0o600)  # a password_file others can read is refused
    settings = SyncSettings(httpserver.url_for(API), "analyst", password_file=tmp_path / "pw")
    with open_store(tmp_path / "db.sqlite") as store:
        # 11: unread there; 12: read there; 13: purged there (in neither list); 14: read here, gone there
        stored(store, {11: False, 12: False, 13: False, 14: True})
        serve(httpserver, unread=[11], read=[12])
        outcome = sync(store, settings)
        assert outcome.ok, outcome.error
        state = {e.title: e.read for e in store.entries("", limit=0)}
        assert state == {"Story 11": False, "Story 12": True, "Story 13": False, "Story 14": True}
        assert outcome.pulled == 1

"""An unchanged refresh (every feed answers 304) through the update layer: each feed's status is
written and reported once, whatever the batching of the unchanged feeds (update.UNCHANGED_BATCH),
and feeds that changed among them are stored as before (issue 22)."""

from __future__ import annotations

import time

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from veille_tui.core import update
from veille_tui.core.models import Feed, FeedOutcome, FetchSettings

RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    "<item><title>one {n}</title><link>https://example.com/{n}/1</link><guid>{n}-1</guid></item>"
    "</channel></rss>"
)


def test_unchanged_feeds_are_all_written_and_reported(tmp_path, httpserver: HTTPServer) -> None:
    count = update.UNCHANGED_BATCH * 2 + 5  # two full batches and a rest
    changed = {7, 70}  # these answer 200 on the second fetch too (no validator)

    def handler(request: Request) -> Response:
        n = int(request.path.strip("/"))
        if n not in changed and request.headers.get("If-None-Match") == f'"{n}"':
            return Response(status=304, headers={"ETag": f'"{n}"'})
        headers = {} if n in changed else {"ETag": f'"{n}"'}
        return Response(RSS.format(n=n), headers=headers, content_type="application/rss+xml")

    httpserver.expect_request("").respond_with_handler(handler)
    feeds = [Feed(httpserver.url_for(f"/{n}")) for n in range(count)]
    settings = FetchSettings(timeout=10, parse_workers=0)
    store = update.open_store(tmp_path / "db.sqlite")
    try:
        first = update.update_feeds(store, feeds, settings)
        assert sorted(o.status for o in first) == ["ok"] * count
        before = time.time()
        seen: list[FeedOutcome] = []
        second = update.update_feeds(store, feeds, settings, on_result=seen.append)
        assert seen == second and len(second) == count
        assert sorted(o.url for o in second) == sorted(f.url for f in feeds)  # each once
        by_status = {o.url: o.status for o in second}
        assert [n for n in range(count) if by_status[feeds[n].url] != "unchanged"] == sorted(changed)
        written = store.db.execute(
            "SELECT count(*) FROM feeds WHERE last_fetch >= ? AND last_ok >= ?", (before, before)
        )
        assert written.fetchone()[0] == count
    finally:
        store.close()

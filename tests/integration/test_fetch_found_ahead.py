"""The CVE and IOC steps' finding done in the parser processes during a fetch (issue 22: off the
process that writes): what a fetch stores is the same whether the parser processes found it or
the writer's steps did, and a failure there never costs a feed."""

from __future__ import annotations

import hashlib

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from veille_tui.core import enrich, update
from veille_tui.core.feeds import http as fetch_mod
from veille_tui.core.feeds import pool
from veille_tui.core.feeds.parse import parse_feed
from veille_tui.core.models import Feed, FetchSettings

FEEDS = 5  # above pool.POOL_MIN_FEEDS: the fetch parses in processes
assert FEEDS >= pool.POOL_MIN_FEEDS


def rss(n: int) -> str:
    """A feed whose items name CVE ids and indicators, defanged or not, in titles and HTML bodies;
    two items of the same title and body with different links; an item without a link."""
    items = []
    for i in range(12):
        body = (
            f"&lt;p&gt;The group used &lt;code&gt;c2-{n}-{i}[.]example-bad[.]net&lt;/code&gt; and "
            f"45.{n + 10}.{i}.7 (hxxp://185.{i + 1}.22.9/gate.php), sample "
            f"{hashlib.sha256(f'{n}-{i}'.encode()).hexdigest()}, see CVE-2026-{4000 + n * 20 + i} and cve-2025-{1000 + i}.&lt;/p&gt;"
            if i % 3
            else f"&lt;p&gt;Nothing to see in story {i} of feed {n}.&lt;/p&gt;"
        )
        items.append(
            f"<item><title>Story {i} of feed {n}{f': CVE-2026-{4000 + n * 20 + i}' if i % 3 else ''}</title>"
            f"<link>https://news{n}.example.org/{i}</link><guid>{n}-{i}</guid>"
            f"<pubDate>Mon, 0{1 + i % 9} Nov 2026 10:00:00 GMT</pubDate><description>{body}</description></item>"
        )
    twin = "<description>&lt;p&gt;Twin text naming evil-twin[.]org&lt;/p&gt;</description>"
    items.append(f"<item><title>Twin</title><link>https://a{n}.example.org/t</link><guid>{n}-ta</guid>{twin}</item>")
    items.append(f"<item><title>Twin</title><link>https://b{n}.example.org/t</link><guid>{n}-tb</guid>{twin}</item>")
    items.append(f'<item><title>No link, C2 at 91.{n}.3.4</title><guid isPermaLink="false">{n}-nolink</guid></item>')
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>{"".join(items)}</channel></rss>'


def serve(httpserver: HTTPServer) -> list[Feed]:
    def handler(request: Request) -> Response:
        return Response(rss(int(request.path.strip("/"))), content_type="application/rss+xml")

    httpserver.expect_request("").respond_with_handler(handler)
    return [Feed(httpserver.url_for(f"/{n}")) for n in range(FEEDS)]


def derived(store) -> dict[str, list[tuple[object, ...]]]:
    """What the steps wrote, by link and title (entry ids may differ between two stores)."""
    rows = {
        "iocs": "SELECT e.link, e.title, i.type, i.value, i.seen_in FROM entry_iocs i JOIN entries e ON e.id = i.entry_id",
        "cves": "SELECT e.link, e.title, c.cve FROM entry_cves c JOIN entries e ON e.id = c.entry_id",
        "tags": "SELECT e.link, e.title, t.tag FROM entry_tags t JOIN entries e ON e.id = t.entry_id",
    }
    return {name: sorted(store.db.execute(sql).fetchall(), key=repr) for name, sql in rows.items()}


def test_a_fetch_stores_the_same_whether_the_parser_processes_found_it_or_not(tmp_path, httpserver) -> None:
    feeds = serve(httpserver)
    stored = {}
    for name, workers in (("processes", 2), ("thread", 0)):  # in a thread, the writer's steps find it all
        store = update.open_store(tmp_path / f"{name}.sqlite")
        try:
            outcomes = update.update_feeds(store, feeds, FetchSettings(timeout=10, parse_workers=workers))
            assert [o.status for o in outcomes] == ["ok"] * FEEDS
            stored[name] = derived(store)
        finally:
            store.close()
    assert stored["processes"] == stored["thread"]
    found = stored["processes"]
    assert len(found["cves"]) == FEEDS * 8 * 2 and len(found["iocs"]) >= FEEDS * 8 * 4
    assert ("domain", "evil-twin.org") in {(kind, value) for _, _, kind, value, _ in found["iocs"]}
    assert any(link is None and value == "91.2.3.4" for link, _, _, value, _ in found["iocs"])


def test_the_parser_processes_send_back_what_the_steps_find(httpserver) -> None:
    feeds = serve(httpserver)
    requests = [fetch_mod.FetchRequest(url=feed.url) for feed in feeds]
    settings = FetchSettings(timeout=10, parse_workers=2)
    results = fetch_mod.fetch_feeds(requests, settings, then=enrich.found_in_items)
    for result in results:
        assert result.status == "ok" and result.found is not None and len(result.found) == len(result.items)
        here = enrich.found_in_items(result.items)  # the same work, in this process
        assert result.found == here
        ahead = enrich.ahead_of_items(result.items, result.found)
        assert ahead == enrich.ahead([(i.title, i.summary, i.link or "") for i in result.items])
        assert sum(1 for known in result.found if known is None) >= 4  # nothing found: nothing sent but None
    # parsed in a thread (few feeds, or parse_workers = 0): not done there, the writer's steps do it
    alone = fetch_mod.fetch_feeds(requests[:1], settings, then=enrich.found_in_items)
    assert alone[0].status == "ok" and alone[0].found is None


def test_a_failure_of_the_work_in_the_parser_process_never_costs_the_feed() -> None:
    def broken(items):
        raise ValueError("a bug in the step's finding")

    page = rss(3).encode()
    parsed = pool._parse_then(parse_feed, page, "https://news3.example.org/feed", "application/rss+xml", broken)
    assert parsed.error is None and len(parsed.items) == 15 and parsed.found is None
    parsed = pool._parse_then(parse_feed, page, "https://news3.example.org/feed", None, enrich.found_in_items)
    assert len(parsed.found) == 15

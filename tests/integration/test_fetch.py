"""core.feeds.http against a local HTTP server (pytest-httpserver)."""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
from pathlib import Path

import pytest
from werkzeug import Request, Response

from veille_tui.core.feeds import pool as pool_mod
from veille_tui.core.feeds.http import FetchRequest, FetchResult, FetchSettings, fetch_all, fetch_feeds
from veille_tui.core.feeds.pool import POOL_MIN_FEEDS

DATA = Path(__file__).resolve().parent.parent / "data" / "feeds"
RSS = (DATA / "rss20.xml").read_bytes()
FAST = FetchSettings(timeout=5, parse_workers=0)


def one(url: str, settings: FetchSettings = FAST, **kw) -> FetchResult:
    (res,) = fetch_feeds([FetchRequest(url, **kw)], settings)
    return res


def serve_static(
    httpserver,
    path: str,
    body: bytes,
    etag: str | None = None,
    last_modified: str | None = None,
    content_type: str = "application/rss+xml",
):
    """A handler that answers 304 to a matching validator, like a real server."""
    seen: list[dict[str, str]] = []

    def handler(request: Request) -> Response:
        seen.append(dict(request.headers))
        inm = request.headers.get("If-None-Match")
        ims = request.headers.get("If-Modified-Since")
        headers = {}
        if etag:
            headers["ETag"] = etag
        if last_modified:
            headers["Last-Modified"] = last_modified
        if (etag and inm == etag) or (last_modified and not etag and ims == last_modified):
            return Response(status=304, headers=headers)
        return Response(body, status=200, headers=headers, content_type=content_type)

    httpserver.expect_request(path).respond_with_handler(handler)
    return seen


def test_ok_then_304_with_etag(httpserver) -> None:
    seen = serve_static(httpserver, "/feed.xml", RSS, etag='"v1"')
    url = httpserver.url_for("/feed.xml")
    first = one(url)
    assert first.status == "ok" and first.error is None
    assert first.title == "Example Security & News"
    assert len(first.items) == 3 and first.etag == '"v1"'
    assert first.bytes == len(RSS) and first.elapsed > 0
    assert first.final_url is None
    second = one(url, etag=first.etag)
    assert second.status == "unchanged" and second.items == [] and second.etag == '"v1"'
    assert seen[1]["If-None-Match"] == '"v1"'
    assert seen[0]["User-Agent"].startswith("veille-tui/")


def test_ok_then_304_with_last_modified(httpserver) -> None:
    lm = "Wed, 05 Aug 2026 10:00:00 GMT"
    seen = serve_static(httpserver, "/lm.xml", RSS, last_modified=lm)
    url = httpserver.url_for("/lm.xml")
    first = one(url)
    assert first.status == "ok" and first.last_modified == lm and first.etag is None
    second = one(url, last_modified=first.last_modified)
    assert second.status == "unchanged" and second.last_modified == lm
    assert seen[1]["If-Modified-Since"] == lm


def test_permanent_redirect_sets_final_url(httpserver) -> None:
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/older"})
    httpserver.expect_request("/older").respond_with_data("", status=308, headers={"Location": "/new.xml"})
    serve_static(httpserver, "/new.xml", RSS)
    res = one(httpserver.url_for("/old"))
    assert res.status == "ok" and res.final_url == httpserver.url_for("/new.xml")
    assert res.url == httpserver.url_for("/old")


def test_temporary_redirect_keeps_url(httpserver) -> None:
    httpserver.expect_request("/tmp").respond_with_data("", status=301, headers={"Location": "/tmp2"})
    httpserver.expect_request("/tmp2").respond_with_data("", status=302, headers={"Location": "/feed.xml"})
    serve_static(httpserver, "/feed.xml", RSS)
    res = one(httpserver.url_for("/tmp"))
    assert res.status == "ok" and res.final_url is None and len(res.items) == 3


def test_redirect_to_file_scheme_refused(httpserver) -> None:
    httpserver.expect_request("/evil").respond_with_data("", status=302, headers={"Location": "file:///etc/passwd"})
    res = one(httpserver.url_for("/evil"))
    assert res.status == "error" and "refused" in (res.error or "")


def test_redirect_loop(httpserver) -> None:
    httpserver.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    res = one(httpserver.url_for("/loop"))
    assert res.status == "error" and "too many redirects" in (res.error or "")


def test_gzip(httpserver) -> None:
    body = gzip.compress(RSS)
    httpserver.expect_request("/gz.xml").respond_with_data(
        body, headers={"Content-Encoding": "gzip"}, content_type="application/rss+xml"
    )
    res = one(httpserver.url_for("/gz.xml"))
    assert res.status == "ok" and len(res.items) == 3 and res.bytes == len(RSS)


def test_gzip_bomb_capped_on_decoded_size(httpserver) -> None:
    body = gzip.compress(b"<rss>" + b" " * (50 * 1024 * 1024))  # ~50 KB on the wire, 50 MB decoded
    assert len(body) < 200_000
    httpserver.expect_request("/bomb.xml").respond_with_data(body, headers={"Content-Encoding": "gzip"})
    res = one(httpserver.url_for("/bomb.xml"), FetchSettings(timeout=10, max_bytes=1024 * 1024, parse_workers=0))
    assert res.status == "error" and "too large" in (res.error or "") and "decoded" in (res.error or "")


def test_oversized_response(httpserver) -> None:
    httpserver.expect_request("/big.xml").respond_with_data(b"x" * (3 * 1024 * 1024))
    res = one(httpserver.url_for("/big.xml"), FetchSettings(timeout=10, max_bytes=1024 * 1024, parse_workers=0))
    assert res.status == "error" and "too large" in (res.error or "") and "1 MiB" in (res.error or "")


def test_oversized_streamed_without_length(httpserver) -> None:
    def handler(request):
        def gen():
            for _ in range(64):
                yield b"y" * 65536

        return Response(gen(), content_type="application/xml")  # chunked, no Content-Length

    httpserver.expect_request("/stream.xml").respond_with_handler(handler)
    res = one(httpserver.url_for("/stream.xml"), FetchSettings(timeout=10, max_bytes=1024 * 1024, parse_workers=0))
    assert res.status == "error" and "too large" in (res.error or "")


def test_timeout(httpserver) -> None:
    def slow(request):
        time.sleep(2)
        return Response(RSS)

    httpserver.expect_request("/slow.xml").respond_with_handler(slow)
    t = time.perf_counter()
    res = one(httpserver.url_for("/slow.xml"), FetchSettings(timeout=0.5, parse_workers=0))
    assert time.perf_counter() - t < 1.8
    assert res.status == "error" and "timed out after 0.5 s" == res.error


def test_slow_drip_hits_the_deadline(httpserver) -> None:
    """Bytes trickling in under the read timeout still stop at the per-feed deadline."""

    def drip(request):
        def gen():
            for _ in range(40):
                yield b" "
                time.sleep(0.1)

        return Response(gen(), content_type="application/xml")

    httpserver.expect_request("/drip.xml").respond_with_handler(drip)
    t = time.perf_counter()
    res = one(httpserver.url_for("/drip.xml"), FetchSettings(timeout=1, parse_workers=0))
    assert time.perf_counter() - t < 3
    assert res.status == "error" and "timed out" in (res.error or "")


def test_broken_xml_and_not_a_feed(httpserver) -> None:
    httpserver.expect_request("/html").respond_with_data("<html><body>hello</body></html>", content_type="text/html")
    httpserver.expect_request("/broken").respond_with_data((DATA / "broken.xml").read_bytes())
    httpserver.expect_request("/binary").respond_with_data(
        bytes(range(256)) * 100, content_type="application/octet-stream"
    )
    html, broken, binary = fetch_feeds(
        [FetchRequest(httpserver.url_for(p)) for p in ("/html", "/broken", "/binary")], FAST
    )
    assert html.status == "error" and (html.error or "").startswith("not a feed")
    assert html.etag is None
    assert broken.status == "ok" and len(broken.items) == 2
    assert binary.status == "error" and (binary.error or "").startswith("not a feed")


def test_http_errors(httpserver) -> None:
    httpserver.expect_request("/missing").respond_with_data("nope", status=404)
    httpserver.expect_request("/boom").respond_with_data("oops", status=500)
    httpserver.expect_request("/gone").respond_with_data("", status=410)
    missing, boom, gone = fetch_feeds(
        [FetchRequest(httpserver.url_for(p)) for p in ("/missing", "/boom", "/gone")], FAST
    )
    assert missing.status == "error" and missing.error == "HTTP 404 Not Found"
    assert boom.error == "HTTP 500 Internal Server Error"
    assert gone.error == "HTTP 410 Gone"
    assert missing.retry_after is None


def test_retry_after(httpserver) -> None:
    httpserver.expect_request("/busy").respond_with_data("slow down", status=429, headers={"Retry-After": "120"})
    httpserver.expect_request("/down").respond_with_data(
        "", status=503, headers={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}
    )
    busy, down = fetch_feeds([FetchRequest(httpserver.url_for(p)) for p in ("/busy", "/down")], FAST)
    assert busy.status == "error" and busy.error == "HTTP 429 Too Many Requests" and busy.retry_after == 120
    assert (down.error or "").startswith("HTTP 503") and (down.retry_after or 0) > 1e9


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/feed", "javascript:alert(1)", "/relative/feed.xml", "data:,x"]
)
def test_non_http_scheme_refused(url) -> None:
    res = one(url)
    assert res.status == "error" and (res.error or "").startswith("refused") and res.bytes == 0


def test_connection_refused() -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    res = one(f"http://127.0.0.1:{port}/feed.xml")
    assert res.status == "error" and (res.error or "").startswith("connection failed")


def test_json_feed_over_http(httpserver) -> None:
    httpserver.expect_request("/feed.json").respond_with_data(
        (DATA / "jsonfeed.json").read_bytes(), content_type="application/feed+json"
    )
    res = one(httpserver.url_for("/feed.json"))
    assert res.status == "ok" and res.title == "JSON Threat Feed" and len(res.items) == 3


def test_atom_and_rss10_over_http(httpserver) -> None:
    httpserver.expect_request("/atom").respond_with_data(
        (DATA / "atom.xml").read_bytes(), content_type="application/atom+xml"
    )
    httpserver.expect_request("/rdf").respond_with_data(
        (DATA / "rss10.xml").read_bytes(), content_type="application/rdf+xml"
    )
    atom, rdf = fetch_feeds([FetchRequest(httpserver.url_for("/atom")), FetchRequest(httpserver.url_for("/rdf"))], FAST)
    assert atom.status == rdf.status == "ok"
    assert len(atom.items) == 3 and len(rdf.items) == 2


def test_relative_links_resolved_against_final_url(httpserver) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=301, headers={"Location": "/sub/feed.xml"})
    httpserver.expect_request("/sub/feed.xml").respond_with_data((DATA / "noguid.xml").read_bytes())
    res = one(httpserver.url_for("/a"))
    assert any(i.link == httpserver.url_for("/3") for i in res.items)


def test_escapes_and_bomb_over_http(httpserver) -> None:
    httpserver.expect_request("/esc").respond_with_data((DATA / "escapes.xml").read_bytes())
    httpserver.expect_request("/bomb").respond_with_data((DATA / "bomb.xml").read_bytes())
    esc, bomb = fetch_feeds([FetchRequest(httpserver.url_for(p)) for p in ("/esc", "/bomb")], FAST)
    assert "\x1b" not in esc.title and all("\x1b" not in i.title for i in esc.items)
    assert bomb.status in ("ok", "error") and all(len(i.title) < 1000 for i in bomb.items)


def test_one_bad_feed_does_not_stop_others_and_order_kept(httpserver) -> None:
    serve_static(httpserver, "/good.xml", RSS)
    httpserver.expect_request("/bad").respond_with_data("", status=404)
    urls = [
        httpserver.url_for("/good.xml"),
        httpserver.url_for("/bad"),
        "file:///etc/passwd",
        httpserver.url_for("/good.xml"),
    ]
    got: list[FetchResult] = []
    results = fetch_feeds([FetchRequest(u, name=f"n{i}") for i, u in enumerate(urls)], FAST, on_result=got.append)
    assert [r.url for r in results] == urls
    assert [r.status for r in results] == ["ok", "error", "error", "ok"]
    assert [r.name for r in results] == ["n0", "n1", "n2", "n3"]
    assert sorted(r.name for r in got) == ["n0", "n1", "n2", "n3"]


def test_callback_error_raised_after_every_feed_is_handed_over(httpserver) -> None:
    serve_static(httpserver, "/good.xml", RSS)
    handed = []

    def callback(res):
        handed.append(res.url)
        if res.url.endswith("n=1"):
            raise RuntimeError("database is locked")

    reqs = [FetchRequest(httpserver.url_for("/good.xml") + f"?n={i}") for i in range(4)]
    with pytest.raises(RuntimeError, match="database is locked"):
        fetch_feeds(reqs, FAST, on_result=callback)
    assert len(handed) == 4


def test_per_host_bound(httpserver) -> None:
    lock = threading.Lock()
    active = [0]
    peak = [0]

    def handler(request):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.15)
        with lock:
            active[0] -= 1
        return Response(RSS, content_type="application/rss+xml")

    httpserver.expect_request("/f").respond_with_handler(handler)
    reqs = [FetchRequest(httpserver.url_for("/f") + f"?n={i}") for i in range(8)]
    results = fetch_feeds(reqs, FetchSettings(timeout=10, per_host=2, parse_workers=0))
    assert all(r.status == "ok" for r in results)
    assert peak[0] <= 2


def test_process_pool_parses(httpserver) -> None:
    """Enough feeds for the pool: parsing happens in worker processes and gives the same items."""
    serve_static(httpserver, "/p.xml", RSS)
    reqs = [FetchRequest(httpserver.url_for("/p.xml") + f"?n={i}") for i in range(POOL_MIN_FEEDS + 2)]
    pooled = fetch_feeds(reqs, FetchSettings(timeout=20, parse_workers=2))
    threaded = fetch_feeds(reqs, FetchSettings(timeout=20, parse_workers=0))
    assert all(r.status == "ok" for r in pooled)
    assert [r.items for r in pooled] == [r.items for r in threaded]


def test_fetch_all_inside_running_loop(httpserver) -> None:
    serve_static(httpserver, "/good.xml", RSS)

    async def main():
        direct = await fetch_all([FetchRequest(httpserver.url_for("/good.xml"))], FAST)
        nested = fetch_feeds([FetchRequest(httpserver.url_for("/good.xml"))], FAST)  # from inside a loop
        return direct, nested

    direct, nested = asyncio.run(main())
    assert direct[0].status == nested[0].status == "ok"


def test_empty_request_list() -> None:
    assert fetch_feeds([], FAST) == []


# --- the parser pool's life (issue 16) -------------------------------------------------------


def _pool_leftovers() -> list[object]:
    """Pool machinery still alive in this process: manager threads and worker processes."""
    import concurrent.futures.process as cfp
    import multiprocessing

    threads = [t for t in threading.enumerate() if isinstance(t, cfp._ExecutorManagerThread) and t.is_alive()]
    return [*threads, *multiprocessing.active_children()]


def test_pool_is_gone_when_fetch_returns(httpserver) -> None:
    """Closed and waited for, not left to the interpreter's exit (whose hook then raced the
    pool's thread: "Bad file descriptor" traceback after the output)."""
    serve_static(httpserver, "/p.xml", RSS)
    httpserver.expect_request("/gone.xml").respond_with_data("no", status=500)
    reqs = [FetchRequest(httpserver.url_for("/p.xml") + f"?n={i}") for i in range(POOL_MIN_FEEDS)]
    results = fetch_feeds(
        [*reqs, FetchRequest(httpserver.url_for("/gone.xml"))], FetchSettings(timeout=20, parse_workers=2)
    )
    assert [r.status for r in results] == ["ok"] * len(reqs) + ["error"]
    assert _pool_leftovers() == []


def test_pool_not_started_when_nothing_needs_parsing(httpserver, monkeypatch) -> None:
    started: list[int] = []
    real = pool_mod._mp_context

    def counted() -> object:
        started.append(1)
        return real()

    monkeypatch.setattr(pool_mod, "_mp_context", counted)
    seen = serve_static(httpserver, "/e.xml", RSS, etag='"v1"')
    httpserver.expect_request("/gone.xml").respond_with_data("no", status=500)
    reqs = [FetchRequest(httpserver.url_for("/e.xml") + f"?n={i}", etag='"v1"') for i in range(POOL_MIN_FEEDS)]
    results = fetch_feeds(
        [*reqs, FetchRequest(httpserver.url_for("/gone.xml"))], FetchSettings(timeout=20, parse_workers=2)
    )
    assert [r.status for r in results] == ["unchanged"] * len(reqs) + ["error"]
    assert len(seen) == len(reqs) and started == [] and _pool_leftovers() == []


def test_interrupted_fetch_stops_the_pool(httpserver) -> None:
    """Ctrl-C cancels fetch_all's task: the pool is stopped before the cancellation goes on."""
    import socket

    serve_static(httpserver, "/p.xml", RSS)
    silent = socket.socket()  # accepts connections (the backlog) and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    reqs = [FetchRequest(httpserver.url_for("/p.xml") + f"?n={i}") for i in range(POOL_MIN_FEEDS)]
    reqs.append(FetchRequest(f"http://127.0.0.1:{silent.getsockname()[1]}/never.xml"))

    async def main():
        parsed = asyncio.Event()
        done: list[FetchResult] = []

        def on_result(res: FetchResult) -> None:
            done.append(res)
            if len(done) == len(reqs) - 1:
                parsed.set()

        task = asyncio.create_task(fetch_all(reqs, FetchSettings(timeout=30, parse_workers=2), on_result=on_result))
        await asyncio.wait_for(parsed.wait(), 20)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return done

    try:
        done = asyncio.run(main())
    finally:
        silent.close()
    assert [r.status for r in done] == ["ok"] * (len(reqs) - 1)
    assert _pool_leftovers() == []


def crash_on_marker(data: bytes, url: str, content_type: str | None):
    """parse_feed, except that a URL with "crash" kills the parser process (as the memory cap does)."""
    import os

    from veille_tui.core.feeds.parse import parse_feed

    if "crash" in url:
        os._exit(1)
    return parse_feed(data, url, content_type)


def test_broken_pool_is_waited_for(httpserver, monkeypatch) -> None:
    """A worker that dies fails its feed; the broken pool is stopped and waited for too."""
    serve_static(httpserver, "/p.xml", RSS)
    monkeypatch.setattr(pool_mod, "parse_feed", crash_on_marker)  # looked up by name in the worker
    reqs = [FetchRequest(httpserver.url_for("/p.xml") + f"?n={i}") for i in range(POOL_MIN_FEEDS)]
    reqs.insert(1, FetchRequest(httpserver.url_for("/p.xml") + "?crash"))
    results = fetch_feeds(reqs, FetchSettings(timeout=20, parse_workers=2))
    assert "parser process died" in (results[1].error or "")
    # the parses under way in the same pool fail with it; the others get a new pool
    assert all(r.status == "ok" or "parser process died" in (r.error or "") for r in results)
    assert _pool_leftovers() == []

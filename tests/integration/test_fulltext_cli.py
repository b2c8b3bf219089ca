"""`veille-tui extract` and the full text at fetch time, run as a user runs them (separate
processes, the real SQLite file) against pages served on loopback by pytest-httpserver."""

from __future__ import annotations

import gzip
import json
import threading
import time
from pathlib import Path

import pytest
from tests.conftest import run_cli
from werkzeug import Response

from veille_tui.core.fulltext.page import fetch
from veille_tui.core.models import FetchSettings

pytest.importorskip("pytest_httpserver")
from pytest_httpserver import HTTPServer  # noqa: E402

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
HTML = "text/html; charset=utf-8"


run = run_cli


def write_config(isolated: Path, text: str) -> None:
    config = isolated / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")


def rss(items: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Mon, 24 Aug 2026 09:00:00 GMT</pubDate><description>{summary}</description></item>"
        for title, link, summary in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loop</title>{body}</channel></rss>'


def test_extract_a_file_and_a_gzipped_file() -> None:
    out = json.loads(run("extract", str(PAGES / "table.html"), "--json").stdout)
    assert set(out) == {"title", "markdown", "text", "words", "source"}
    assert out["title"] == "Monthly patch roundup: July 2026" and out["source"].endswith("table.html")
    assert "| CVE-2026-20102 | Mail server | 8.1 | Yes |" in out["markdown"] and "|" not in out["text"]
    assert out["words"] == len(out["text"].split()) and out["words"] > 100
    plain = run("extract", str(PAGES / "gzipped.html.gz")).stdout
    assert plain.startswith("Supply-chain attack hides in a popular logging package\n")
    assert "two million times a week" in plain and "More from DevSec News" not in plain


def test_extract_a_url(httpserver) -> None:
    httpserver.expect_request("/story").respond_with_data(
        (PAGES / "latin1.html").read_bytes(), content_type="text/html"
    )
    gz = gzip.compress((PAGES / "comments.html").read_bytes())
    httpserver.expect_request("/gz").respond_with_response(
        Response(gz, headers={"Content-Encoding": "gzip", "Content-Type": HTML})
    )
    httpserver.expect_request("/moved").respond_with_response(
        Response("", status=301, headers={"Location": httpserver.url_for("/story")})
    )
    out = json.loads(run("extract", httpserver.url_for("/moved"), "--json").stdout)
    assert out["source"] == httpserver.url_for("/story")  # where it was found
    assert "Les bons réflexes" in out["markdown"] and "départementaux" in out["text"]
    out = json.loads(run("extract", httpserver.url_for("/gz"), "--json").stdout)
    assert "breached-password check" in out["markdown"] and "kevin_ops" not in out["markdown"]


def test_extract_errors_name_the_url_or_file(httpserver, isolated) -> None:
    httpserver.expect_request("/missing").respond_with_data("gone", status=404)
    httpserver.expect_request("/huge").respond_with_data("<p>" + "word " * 40_000 + "</p>", content_type=HTML)
    httpserver.expect_request("/image").respond_with_data(b"\x89PNG\r\n\x1a\n" + bytes(600), content_type="image/png")
    cases = {
        "ftp://example.org/page.html": "refused: only http and https URLs are fetched, not ftp:",
        "file:///etc/passwd": "refused: only http and https URLs are fetched, not file:",
        httpserver.url_for("/missing"): "HTTP 404 Not Found",
        httpserver.url_for("/image"): "not a web page (image/png)",
        str(isolated / "nothing.html"): "cannot read: No such file or directory",
    }
    for target, message in cases.items():
        result = run("extract", target, check=False)
        assert result.returncode == 1, target
        assert target in result.stderr and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and not result.stdout
    write_config(isolated, "[fetch]\nmax_bytes = 100000\n")
    result = run("extract", httpserver.url_for("/huge"), check=False)
    assert result.returncode == 1 and "too large" in result.stderr and httpserver.url_for("/huge") in result.stderr


def test_an_id_stores_the_full_text_with_the_entry(httpserver, isolated) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(
            [
                ("Botnet of cameras", httpserver.url_for("/botnet"), "Short summary."),
                ("Paywalled story", httpserver.url_for("/paywalled"), "Another summary."),
            ]
        ),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/botnet").respond_with_data((PAGES / "sidebar-ads.html").read_bytes(), content_type=HTML)
    httpserver.expect_request("/paywalled").respond_with_data("subscribe", status=403)
    write_config(isolated, f'[[feeds]]\nurl = "{httpserver.url_for("/feed.xml")}"\ntitle = "Loop"\n')
    run("fetch")
    entries = {e["title"]: e["id"] for e in json.loads(run("list", "--json").stdout)}
    botnet, paywalled = entries["Botnet of cameras"], entries["Paywalled story"]
    assert json.loads(run("list", "terabit", "--json").stdout) == []  # only in the page, not fetched yet
    out = json.loads(run("extract", str(botnet), "--json").stdout)
    assert "170,000 hijacked security cameras" in out["markdown"] and out["source"] == httpserver.url_for("/botnet")
    # a word found only in the full text is found by list; has:fulltext lists it
    assert [e["id"] for e in json.loads(run("list", "terabit", "--json").stdout)] == [botnet]
    assert [e["id"] for e in json.loads(run("list", "has:fulltext", "--json").stdout)] == [botnet]
    shown = run("show", str(botnet)).stdout
    assert "full text: " in shown and "words from" in shown and "170,000 hijacked" in shown
    assert "Short summary." not in shown
    data = json.loads(run("show", str(botnet), "--json").stdout)
    assert data["body"] == "Short summary." and "170,000" in data["full_text"]["markdown"]
    failed = run("extract", str(paywalled), check=False)
    assert failed.returncode == 1 and f"entry {paywalled}" in failed.stderr and "HTTP 403 Forbidden" in failed.stderr
    shown = run("show", str(paywalled)).stdout
    assert "full text: HTTP 403 Forbidden" in shown and "Another summary." in shown  # the summary kept
    assert json.loads(run("list", "has:fulltext", "--json").stdout)[0]["id"] == botnet
    assert run("extract", "999999", check=False).stderr.strip().endswith("no entry with id 999999")


def test_fetch_time_full_text_per_feed_and_by_query(httpserver, isolated) -> None:
    pages = {"/p/ok": "advisory.html", "/p/also": "blog-footer.html", "/p/watched": "paywall.html"}
    for path, name in pages.items():
        httpserver.expect_request(path).respond_with_data((PAGES / name).read_bytes(), content_type=HTML)
    httpserver.expect_request("/p/denied").respond_with_data("no", status=403)
    httpserver.expect_request("/p/unwatched").respond_with_data("must not be asked", status=500)
    url = httpserver.url_for
    httpserver.expect_request("/full.xml").respond_with_data(
        rss(
            [
                ("Backup agent advisory", url("/p/ok"), "Feed text one."),
                ("Security key week", url("/p/also"), "Feed text two."),
                ("Denied page", url("/p/denied"), "Feed text three."),
            ]
        ),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/other.xml").respond_with_data(
        rss(
            [
                ("Ransomware negotiations", url("/p/watched"), "About a ransomware crew."),
                ("Unrelated", url("/p/unwatched"), "Nothing to see."),
            ]
        ),
        content_type="application/rss+xml",
    )
    write_config(
        isolated,
        'watch = ["ransomware"]\n\n[fetch]\nfull_text_query = "+watch"\n\n'
        f'[[feeds]]\nurl = "{url("/full.xml")}"\ntitle = "Full"\nfull_text = true\n\n'
        f'[[feeds]]\nurl = "{url("/other.xml")}"\ntitle = "Other"\n',
    )
    result = run("fetch")
    assert result.returncode == 0  # a failed page never fails the feed fetch
    assert "full text  3 article page(s) extracted, 1 failed" in result.stdout
    asked = {request.path for request, _ in httpserver.log}
    assert "/p/unwatched" not in asked and {"/p/ok", "/p/also", "/p/watched", "/p/denied"} <= asked
    titles = {e["title"] for e in json.loads(run("list", "has:fulltext", "--json").stdout)}
    assert titles == {"Backup agent advisory", "Security key week", "Ransomware negotiations"}
    assert [e["title"] for e in json.loads(run("list", "agentctl", "--json").stdout)] == ["Backup agent advisory"]
    denied = next(e for e in json.loads(run("list", "--json").stdout) if e["title"] == "Denied page")
    assert "full text: HTTP 403 Forbidden" in run("show", str(denied["id"])).stdout
    # the next fetch asks for no page again (the items are not new)
    before = len(httpserver.log)
    assert "full text" not in run("fetch").stdout
    assert not any(r.path.startswith("/p/") for r, _ in httpserver.log[before:])


def test_at_most_two_pages_at_once_per_host() -> None:
    server = HTTPServer(threaded=True)
    server.start()
    try:
        lock, state = threading.Lock(), {"now": 0, "most": 0}

        def slow(request):
            with lock:
                state["now"] += 1
                state["most"] = max(state["most"], state["now"])
            time.sleep(0.15)
            with lock:
                state["now"] -= 1
            return Response("<p>page</p>", content_type=HTML)

        server.expect_request("/slow").respond_with_handler(slow)
        pages = fetch([server.url_for("/slow") + f"?n={n}" for n in range(6)], FetchSettings(), per_host=2)
        assert all(not isinstance(p, Exception) for p in pages), pages
        assert state["most"] == 2
    finally:
        server.clear()
        if server.is_running():
            server.stop()

"""Subscriptions through the CLI, and fetching through the library against a local server."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer

from veille_tui.cli import main
from veille_tui.core import config as config_mod
from veille_tui.core.library import Library

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>
<item><title>First \x1b[31mstory</title><link>https://news.example.org/1</link><guid>1</guid>
<description>&lt;p&gt;About &lt;b&gt;CVE-2026-7777&lt;/b&gt;&lt;/p&gt;</description></item>
<item><title>Second story</title><link>https://news.example.org/2</link><guid>2</guid><pubDate>not a date</pubDate></item>
</channel></rss>"""


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_remove_keep_comments(tmp_path, capsys, monkeypatch) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("# my own notes\nwatch = ['fortinet']\n")
    assert (
        cli(capsys, "feeds", "add", "https://a.example/rss", "--title", "A", "--tag", "News", "--tag", "vendor")[0] == 0
    )
    assert cli(capsys, "feeds", "add", "https://b.example/atom")[0] == 0
    code, _out, err = cli(capsys, "feeds", "add", "https://a.example/rss")
    assert code == 1 and "already" in err
    code, _out, err = cli(capsys, "feeds", "add", "file:///etc/passwd")
    assert code == 2 and "http" in err
    code, out, _ = cli(capsys, "feeds", "list", "--json")
    feeds = json.loads(out)
    # the built-in feeds the user was following stay, now written in the config
    assert len(feeds) == 8 + 2 and feeds[0]["title"] == "BleepingComputer"
    assert [{k: f[k] for k in ("url", "title", "tags")} for f in feeds[-2:]] == [
        {"url": "https://a.example/rss", "title": "A", "tags": ["news", "vendor"]},
        {"url": "https://b.example/atom", "title": "", "tags": []},
    ]
    assert cli(capsys, "feeds", "remove", "A")[0] == 0
    code, _out, err = cli(capsys, "feeds", "remove", "example")
    assert code == 0 and "b.example" in err  # a single match: removed by a part of its URL
    urls = [f["url"] for f in json.loads(cli(capsys, "feeds", "list", "--json")[1])]
    assert "https://a.example/rss" not in urls and "https://b.example/atom" not in urls and len(urls) == 8
    assert "# my own notes" in config.read_text()


def test_default_feeds_listed_when_config_has_none(capsys) -> None:
    code, out, _ = cli(capsys, "feeds", "list", "--json")
    feeds = json.loads(out)
    assert code == 0 and len(feeds) == 8
    assert {"url": "https://www.cert.ssi.gouv.fr/feed/", "title": "CERT-FR", "tags": ["certfr"]} in [
        {k: f[k] for k in ("url", "title", "tags")} for f in feeds
    ]


def test_opml_export_import_round_trip(tmp_path, capsys) -> None:
    cli(capsys, "feeds", "add", "https://a.example/rss", "--title", "A & B <news>", "--tag", "vendor")
    cli(capsys, "feeds", "add", "https://b.example/atom", "--title", "B")
    opml = tmp_path / "subs.opml"
    assert cli(capsys, "feeds", "export", str(opml))[0] == 0
    other = tmp_path / "other.toml"
    code, _out, err = cli(capsys, "--config", str(other), "feeds", "import", str(opml))
    assert code == 0 and "10 feeds imported" in err
    assert json.loads(cli(capsys, "feeds", "list", "--json", "--config", str(other))[1]) == json.loads(
        cli(capsys, "feeds", "list", "--json")[1]
    )


def test_bad_opml_is_a_message(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.opml"
    bad.write_text("<opml><body><outline xmlUrl='https://x/rss'")
    code, _out, err = cli(capsys, "feeds", "import", str(bad))
    assert code == 2 and "bad.opml" in err


@pytest.fixture
def library(tmp_path, httpserver: HTTPServer):
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f'[[feeds]]\nurl = "{httpserver.url_for("/ok.xml")}"\ntitle = "Local"\ntags = ["local"]\n'
        f'[[feeds]]\nurl = "{httpserver.url_for("/busy.xml")}"\ntitle = "Busy"\n'
    )
    return Library.open()


def test_fetch_stores_items_and_honours_retry_after(library, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ok.xml").respond_with_data(RSS, content_type="application/rss+xml")
    httpserver.expect_request("/busy.xml").respond_with_data("slow down", status=429, headers={"Retry-After": "3600"})
    outcomes = {o.name: o for o in library.fetch()}
    assert outcomes["Local"].status == "ok" and outcomes["Local"].new == 2, outcomes["Local"]
    # the raw ESC of the first title is not allowed in XML: read all the same, and said
    assert outcomes["Local"].warning == (
        "malformed XML at line 2: not well-formed (invalid token); kept the 2 item(s) that could be read; "
        "2 item(s) without a usable date: dated when fetched"
    )
    assert outcomes["Busy"].status == "error" and "429" in outcomes["Busy"].error
    entries = library.store.entries("+local")
    assert [e.title for e in entries] and "First story" in [e.title for e in entries]
    assert library.store.count("cve:CVE-2026-7777") == 1
    requests_before = len(httpserver.log)
    outcomes = {o.name: o for o in library.fetch()}
    assert outcomes["Busy"].status == "deferred" and "Retry-After" in outcomes["Busy"].error
    assert all("/busy.xml" not in str(req.url) for req, _resp in httpserver.log[requests_before:])


def test_untitled_feed_is_listed_and_exported_with_its_own_title(
    library, httpserver: HTTPServer, capsys, tmp_path
) -> None:
    httpserver.expect_request("/ok.xml").respond_with_data(RSS, content_type="application/rss+xml")
    httpserver.expect_request("/busy.xml").respond_with_data(
        RSS.replace("<title>Local</title>", "<title>Busy Weekly</title>"), content_type="application/rss+xml"
    )
    config = library.settings.path
    config.write_text(config.read_text().replace('title = "Busy"\n', ""))
    library.settings = config_mod.load()
    library.fetch()
    listed = {f["url"]: f["title"] for f in json.loads(cli(capsys, "feeds", "list", "--json")[1])}
    assert listed[httpserver.url_for("/busy.xml")] == "Busy Weekly"
    out = tmp_path / "o.opml"
    cli(capsys, "feeds", "export", str(out))
    assert 'text="Busy Weekly"' in out.read_text()


def test_error_in_the_writer_thread_is_raised_in_the_caller(library, httpserver: HTTPServer, monkeypatch) -> None:
    """on_result runs in the writer thread: its error reaches Library.fetch's caller (then the
    CLI's one line), not stderr as a thread's traceback, and the fetch does not wait for it."""
    import threading

    httpserver.expect_request("/ok.xml").respond_with_data(RSS, content_type="application/rss+xml")
    httpserver.expect_request("/busy.xml").respond_with_data(RSS, content_type="application/rss+xml")
    uncaught: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", uncaught.append)

    def on_result(outcome):
        raise RuntimeError("the progress display broke")

    with pytest.raises(RuntimeError, match="progress display"):
        library.fetch(on_result=on_result)
    assert uncaught == []


def test_unexpected_error_in_fetch_is_one_line_and_a_log(library, httpserver: HTTPServer, capsys, monkeypatch) -> None:
    from veille_tui.cli import progress as fetch_progress
    from veille_tui.core import paths

    httpserver.expect_request("/ok.xml").respond_with_data(RSS, content_type="application/rss+xml")
    httpserver.expect_request("/busy.xml").respond_with_data(RSS, content_type="application/rss+xml")

    def describe(outcome):
        raise ValueError("cannot describe")

    monkeypatch.setattr(fetch_progress, "describe", describe)
    code, _out, err = cli(capsys, "fetch")
    log = paths.log_file()
    assert code == 1
    assert err.splitlines() == [f"veille-tui: fetch failed: ValueError: cannot describe (details in {log})"]
    text = log.read_text()
    assert "Traceback" in text and "cannot describe" in text and "fetch failed" in text

"""Feeds that lie (issue 13): malformed XML kept and said with its line, entries with neither title
nor link dropped and counted, entity bombs named, items dated in the future listed at fetch time."""

from __future__ import annotations

import time

import pytest
from tests.helpers import present

from veille_tui.core.feeds import xmlcheck
from veille_tui.core.feeds.parse import parse_feed
from veille_tui.core.models import Feed, Item
from veille_tui.core.update import fetch_warning, open_store, store_fetch

HEAD = b'<?xml version="1.0" encoding="utf-8"?>\n'


def test_malformed_xml_keeps_what_could_be_read_and_names_the_line() -> None:
    data = HEAD + (
        b'<rss version="2.0"><channel><title>Broken</title>\n'
        b"<item><title>Kept</title><link>https://e.org/1</link></item>\n"
        b"<item><title>Also kept</title><description>unclosed <b>tag</item>\n"
        b"</channel>"
    )
    parsed = parse_feed(data, "https://e.org/feed")
    assert parsed.error is None and [i.title for i in parsed.items] == ["Kept", "Also kept"]
    assert parsed.warning == "malformed XML at line 4: mismatched tag; kept the 2 item(s) that could be read"


def test_the_line_is_the_document_s_own_without_a_declaration() -> None:
    data = b'<rss version="2.0"><channel><title>B</title>\n<item><title>A</title></item>\n<item><b></item></channel>'
    assert present(parse_feed(data, "u").warning).startswith("malformed XML at line 3: mismatched tag")


def test_broken_beyond_use_is_an_error_with_its_line() -> None:
    parsed = parse_feed(b'<rss version="2.0"><channel><title>Broken<item><title>oops', "u")
    assert parsed.items == [] and parsed.error == "not a feed: malformed XML at line 1: no element found"


@pytest.mark.parametrize("path", ["fast", "feedparser"])
def test_entries_with_neither_title_nor_link_are_dropped_and_counted(path) -> None:
    body = (
        "<item><title>Titled</title></item>"
        "<item><link>https://e.org/linked</link></item>"
        "<item><guid isPermaLink='false'>only-a-guid</guid><description>no title, no link</description></item>"
        "<item><description>nothing</description></item>"
    )
    doctype = "<!DOCTYPE rss>" if path == "feedparser" else ""  # a DOCTYPE sends it to feedparser
    data = f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>T</title>{body}</channel></rss>'
    parsed = parse_feed(data.encode(), "https://e.org/feed")
    assert parsed.parser == path
    assert [(i.title, i.link) for i in parsed.items] == [("Titled", None), ("", "https://e.org/linked")]
    assert parsed.warning == "2 item(s) with neither title nor link dropped"


def lol(levels: int = 9) -> bytes:
    entities = b'<!ENTITY lol "lol">\n' + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, levels + 1)
    )
    return (
        HEAD + b"<!DOCTYPE rss [\n" + entities + b"]>\n"
        b'<rss version="2.0"><channel><title>Bomb</title><item><title>&lol%d;</title>'
        b"<link>https://e.org/b</link></item></channel></rss>" % levels
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lol(), "refused: XML entity bomb (entity 'lol5' expands to more than 64 KiB)"),
        (
            HEAD + b'<!DOCTYPE r [<!ENTITY a "' + b"x" * 50_000 + b'">]><rss version="2.0"><channel><title>'
            b"" + b"&a;" * 100 + b"</title></channel></rss>",
            "refused: XML entity bomb (its entity references expand to more than 1 MiB)",
        ),
        (
            HEAD + b'<!DOCTYPE r [<!ENTITY a "&b;"><!ENTITY b "x&a;">]><rss version="2.0"><channel><title>&a;</title>'
            b"</channel></rss>",
            "refused: XML entity bomb (entity 'a' refers to itself)",
        ),
        (
            HEAD + b"<!DOCTYPE r [<!ENTITY % p '&#37;q;'><!ENTITY a '&a;'>]><rss/>",
            "refused: XML entity bomb (entity 'a' refers to itself)",
        ),
    ],
)
def test_entity_bombs_are_named(data, message) -> None:
    started = time.perf_counter()
    parsed = parse_feed(data, "https://e.org/feed")
    assert parsed.error == message and parsed.items == []
    assert time.perf_counter() - started < 1


def test_ordinary_entities_and_external_ones_are_not_bombs() -> None:
    data = (
        HEAD
        + b'<!DOCTYPE rss [<!ENTITY nbsp "&#160;"><!ENTITY copy "&#169;"><!ENTITY ext SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>Fine</title><item><title>A &copy; &ext;</title>'
        b"<link>https://e.org/a</link></item></channel></rss>"
    )
    assert xmlcheck.entity_bomb(data) is None
    parsed = parse_feed(data, "u")
    assert parsed.error is None and parsed.items[0].title.startswith("A ©")
    assert "root:" not in parsed.items[0].title  # external entities are never read
    assert xmlcheck.entity_bomb(lol(3)) is None  # 10^3 'lol': small enough to be a feed's business


# --- dated in the future --------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "db.sqlite")
    s.sync_feeds([Feed("https://feeds.example.com/rss", "Example News", ("news",))])
    yield s
    s.close()


def make_item(n: int, ts: int | None, date: str | None = None) -> Item:
    return Item(guid=f"g{n}", link=f"https://e.org/{n}", title=f"Item {n}", date=date, ts=ts, summary="x")


def test_an_item_dated_in_the_future_is_listed_at_its_fetch_time(store) -> None:
    fid = store.feed_states()[0].id
    now = time.time()
    store_fetch(
        store,
        fid,
        status="ok",
        items=[
            make_item(1, 4_070_908_800, "2099-01-01T00:00:00+00:00"),  # 2099
            make_item(2, int(now) - 3600, "recent"),
            make_item(3, int(now) + 3600, "in an hour"),  # a clock a bit ahead: its own date
        ],
    )
    entries = {e.title: e for e in store.entries(limit=0)}
    future = entries["Item 1"]
    assert abs(future.ts - now) < 60 and future.date.startswith(time.strftime("%Y-%m-%d", time.gmtime(now)))
    assert entries["Item 3"].ts == int(now) + 3600
    assert store.count("@7d") == 3
    # its own date is kept and shown with it
    assert store.entry(future.id).feed_date == "2099-01-01T00:00:00+00:00"
    assert store.entry(entries["Item 2"].id).feed_date is None
    assert store.db.execute("SELECT date FROM items WHERE guid = 'g1'").fetchone()[0] == "2099-01-01T00:00:00+00:00"
    # a later fetch's items go above it: it does not stay first
    store_fetch(store, fid, status="ok", items=[make_item(4, int(now) + 120, "soon")])
    assert [e.title for e in store.entries(limit=2)] == ["Item 3", "Item 4"]


def test_a_future_item_folded_with_another_keeps_the_earliest_real_date(store) -> None:
    store.sync_feeds(
        [Feed("https://feeds.example.com/rss", "Example News"), Feed("https://other.example.com/rss", "Other")]
    )
    first, second = store.feed_states()
    now = int(time.time())
    store_fetch(store, first.id, status="ok", items=[make_item(1, 4_070_908_800, "2099-01-01T00:00:00+00:00")])
    store_fetch(store, second.id, status="ok", items=[make_item(1, now - 7200, "two hours ago")])
    (entry,) = store.entries(limit=0)
    assert entry.ts == now - 7200


def test_fetch_warning_counts_them() -> None:
    now = time.time()
    items = [make_item(1, int(now) + 3 * 86400), make_item(2, None), make_item(3, int(now))]
    assert fetch_warning("malformed XML at line 2: x", items, now) == (
        "malformed XML at line 2: x; 1 item(s) without a usable date: dated when fetched; "
        "1 item(s) dated in the future: listed at their fetch time"
    )
    assert fetch_warning(None, [make_item(3, int(now))], now) is None

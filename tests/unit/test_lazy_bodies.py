"""An item's HTML body is stored as HTML and made Markdown when first shown (issue 22): what the
reader sees is what the eager conversion gave (differential, against items stored the way they
were before: Markdown made at parse time), search still finds a word only a summary holds, stores
made before keep working, and a hostile body stays bounded and clean when made lazily."""

from __future__ import annotations

import html
import re
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from veille_tui.core.feeds.parse import MAX_BODY, parse_feed
from veille_tui.core.models import Entry, Feed, Item
from veille_tui.core.store import Store
from veille_tui.core.store.schema import _V_ITEM_HTML, MIGRATIONS
from veille_tui.core.text import fold
from veille_tui.core.update import open_store, store_fetch

DATA = Path(__file__).resolve().parent.parent / "data" / "feeds"
SHARED_BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench"
WATCH = ["fortinet", "ransomware", "exploit*", "microsoft", "zero-day", "été"]
FEEDS = ["https://a.example.com/feed.xml", "https://b.example.org/rss"]

# an HTML feed with what the conversion handles: relative and unsafe links, images, lists, code,
# entities, a script, a word only in the summary, a link only in an href; its second item links
# where the other feed's first does (one entry, two items: the longer body is shown)
HANDMADE = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hand made</title><link>https://a.example.com/</link>
<item><title>Ivanti exploited</title><link>https://a.example.com/2026/ivanti</link><guid>h1</guid>
<description>{one}</description></item>
<item><title>Shared story</title><link>https://news.example.net/shared</link><guid>h2</guid>
<description>{two}</description></item>
<item><title>No link</title><guid>h3</guid><description>{three}</description></item>
</channel></rss>"""
BODIES = {
    "one": (
        '<p>Attackers <b>exploit</b> CVE-2026-1111 in <a href="/advisory/42?x=1&amp;y=2">the advisory</a>;'
        ' see <a href="javascript:alert(1)">this</a> and <a href="mailto:psirt@example.com">PSIRT</a>.</p>'
        '<script>document.write("quxquuxhidden")</script><ul><li>FortiOS 7.4</li><li>Ransomware'
        ' <i>zorblaxite</i></li></ul><img src="/img/a.png" alt="diagram"><pre><code>rm -rf /</code></pre>'
        '<p>C2 at <a href="https://evil-c2.example.biz/gate.php">the gate</a>, hash'
        " 44d88612fea8a8f36de82e1278abb02f &amp; &lt;tags&gt; &#233;t&#233;</p>"
    ),
    "two": "<p>Short <em>shared</em> body.</p>",
    "three": '<h2>Heading</h2><p>Relative <a href="page.html">link</a> with no item link, Microsoft zero-day.</p>',
}
OTHER = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Other</title>
<item><title>Shared story</title><link>https://news.example.net/shared</link><guid>o1</guid>
<description>{body}</description></item></channel></rss>"""
OTHER_BODY = (
    "<div><p>A much longer body of the shared story, with a <a href='https://news.example.net/more'>link</a>"
    " and a table:</p><table><tr><th>CVE</th></tr><tr><td>CVE-2026-2222</td></tr></table></div>"
)


def _feeds(tmp_path: Path) -> list[tuple[str, bytes]]:
    """(feed URL, document): the hand-made pair, the fixtures, and generated feeds when there."""
    escaped = {k: html.escape(v) for k, v in BODIES.items()}
    found = [
        (FEEDS[0], HANDMADE.format(**escaped).encode()),
        (FEEDS[1], OTHER.format(body=html.escape(OTHER_BODY)).encode()),
    ]
    for name in ("rss20.xml", "atom.xml", "rss10.xml", "rss091.xml", "noguid.xml", "escapes.xml", "jsonfeed.json"):
        found.append((f"https://fixtures.example.com/{name}", (DATA / name).read_bytes()))
    if (SHARED_BENCH / "make_feeds.py").exists():
        out = tmp_path / "generated"
        argv = [sys.executable, str(SHARED_BENCH / "make_feeds.py"), "--out", str(out), "--scale", "1"]
        subprocess.run([*argv, "--min-items", "10", "--max-items", "20"], check=True, capture_output=True)
        found += [(f"http://127.0.0.1:8765/{f.name}", f.read_bytes()) for f in sorted(out.glob("*.xml"))[:6]]
    return found


def eager(item: Item) -> Item:
    """The item as the parser made it before: its Markdown made at once, no HTML kept."""
    return replace(item, summary=item.markdown(), html=None, html_base="")


def _fill(path: Path, feeds: list[tuple[str, bytes]], made_now: bool) -> Store:
    store = open_store(path, watch=WATCH)
    store.sync_feeds([Feed(url, f"feed {n}", ("news",)) for n, (url, _doc) in enumerate(feeds)])
    ids = {s.url: s.id for s in store.feed_states()}
    for url, doc in feeds:
        parsed = parse_feed(doc, url)
        assert parsed.error is None, (url, parsed.error)
        items = [eager(i) for i in parsed.items] if made_now else parsed.items
        store_fetch(store, ids[url], status="ok", items=items)
    return store


def shown(store: Store, entry_id: int) -> Entry:
    entry = store.entry(entry_id)
    assert entry is not None
    return entry


def _seen(store: Store, entry_id: int) -> tuple[object, ...]:
    entry = store.entry(entry_id)
    assert entry is not None
    iocs = sorted((r.type, r.value, r.seen_in) for r in store.entry_iocs(entry_id))
    return (replace(entry, date="", ts=0), iocs)  # (an undated item is listed at its fetch's time)


def test_what_the_reader_sees_equals_the_eager_conversion(tmp_path) -> None:
    feeds = _feeds(tmp_path)
    before = _fill(tmp_path / "before.db", feeds, made_now=True)
    after = _fill(tmp_path / "after.db", feeds, made_now=False)
    ids = before.entry_ids("")
    assert ids == after.entry_ids("") and len(ids) > 20
    pending = after.db.execute("SELECT count(*) FROM items WHERE html IS NOT NULL AND markdown IS NULL").fetchone()
    assert pending[0] > 20  # the fetch made no Markdown
    for entry_id in ids:
        assert _seen(after, entry_id) == _seen(before, entry_id), entry_id
    # every body made once and kept: the second look reads it, and sees the same
    assert after.db.execute("SELECT count(*) FROM items WHERE html IS NOT NULL AND markdown IS NULL").fetchone() == (0,)
    for entry_id in ids:
        assert _seen(after, entry_id) == _seen(before, entry_id), entry_id
    # the entry of two items shows the longer body, as before
    (shared,) = after.entry_ids('"much longer body"')
    body = shown(after, shared).body or ""
    assert "much longer body" in body and "CVE-2026-2222" in body
    # what search finds, word by word, is what it found (the words the reader sees)
    words: set[str] = set()
    for entry_id in ids[:60]:
        words.update(re.findall(r"[^\W\d_]{4,}", fold(shown(before, entry_id).body or ""))[:15])
    assert len(words) > 100
    for word in sorted(words):
        assert set(after.entry_ids(f'"{word}"')) == set(before.entry_ids(f'"{word}"')), word


def test_a_word_only_in_a_summary_is_found(tmp_path) -> None:
    store = _fill(tmp_path / "db", _feeds(tmp_path)[:2], made_now=False)
    (entry_id,) = store.entry_ids("zorblaxite")  # in an <i> of a list item, only in the summary
    assert shown(store, entry_id).title == "Ivanti exploited"
    assert store.entry_ids("evil-c2.example.biz") == [entry_id]  # a link's target, as in its Markdown
    assert store.entry_ids("quxquuxhidden") == []  # a script's text is no word of it
    assert shown(store, entry_id).cves == ("CVE-2026-1111",)
    assert "watch" in shown(store, entry_id).tags and "ioc" in shown(store, entry_id).tags


def _downgrade(path: Path) -> None:
    """The database as the version before HTML bodies left it."""
    with sqlite3.connect(path) as db:
        db.execute("DROP INDEX entries_ruled")  # the migration after HTML bodies (_V_RULED)
        for column in ("html", "html_base", "markdown"):
            db.execute(f"ALTER TABLE items DROP COLUMN {column}")
        db.execute(f"PRAGMA user_version = {MIGRATIONS.index(_V_ITEM_HTML)}")


def test_a_store_made_before_keeps_its_markdown(tmp_path) -> None:
    feeds = _feeds(tmp_path)[:2]
    path = tmp_path / "old.db"
    old = _fill(path, feeds, made_now=True)  # what the previous version stored
    ids = old.entry_ids("")
    before = {entry_id: _seen(old, entry_id) for entry_id in ids}
    old.close()
    _downgrade(path)
    store = open_store(path, watch=WATCH)  # migrated
    assert {entry_id: _seen(store, entry_id) for entry_id in ids} == before
    # the same feeds fetched again: the rows take the HTML form, no entry changes, nothing is redone
    states = {s.url: s.id for s in store.feed_states()}
    for url, doc in feeds:
        added = store_fetch(store, states[url], status="ok", items=parse_feed(doc, url).items)
        assert added.new == 0 and dict(added.changed) == {}, url
    rows = store.db.execute("SELECT count(*), count(html), count(markdown) FROM items").fetchone()
    assert rows[0] == rows[1] == rows[2] > 0
    assert {entry_id: _seen(store, entry_id) for entry_id in ids} == before
    # a changed body is a change: shown anew
    url, doc = feeds[1]
    changed = doc.replace(b"A much longer body", b"A rewritten longer body")
    added = store_fetch(store, states[url], status="ok", items=parse_feed(changed, url).items)
    assert len(added.changed) == 1
    (entry_id,) = added.changed
    assert "A rewritten longer body" in (shown(store, entry_id).body or "")
    assert store.entry_ids('"rewritten longer"') == [entry_id]


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    "body",
    [
        "<div>" * 60_000 + "deepword" + "</div>" * 60_000,  # nesting far past any recursion limit
        "<p>" + "hugeword " * 120_000 + "</p>" + '<a href="https://x.example/">l</a>' * 20_000,  # over the bounds
        "<p>esc\x1b[31mred\x1b[0m bell\x07 &#27;[2J &#x9b;31m nul\x00 \u202eevil\u202c tab\there</p>"
        '<a href="javascript:alert(1)">js</a><img src="data:image/png;base64,AAAA" alt="pic">escword',
        "<p>entword " + "&lt;" * 100_000 + "&amp;" * 100_000 + "</p>" + "<b>" * 50_000,
    ],
    ids=["deep", "huge", "escapes", "entities"],
)
def test_a_hostile_summary_stays_bounded_and_clean(tmp_path, body: str) -> None:
    doc = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>bad</title>'
        f"<item><title>Bad body</title><link>https://bad.example.com/1</link>"
        f"<description>{html.escape(body)}</description></item></channel></rss>"
    ).encode()
    parsed = parse_feed(doc, FEEDS[0])
    assert parsed.error is None
    (item,) = parsed.items
    assert item.html is not None and len(item.summary) <= MAX_BODY and not CONTROL.search(item.summary)
    store = open_store(tmp_path / "db")
    store.sync_feeds([Feed(FEEDS[0], "bad", ())])
    store_fetch(store, store.feed_states()[0].id, status="ok", items=[item])
    (entry_id,) = store.entry_ids("")
    for _look in range(2):  # made, then read back
        body = shown(store, entry_id).body or ""
        assert 0 < len(body) <= MAX_BODY
        assert not CONTROL.search(body), repr(CONTROL.search(body))
        assert "javascript:" not in body and "data:image" not in body
        assert body == eager(item).summary
    word = next(w for w in ("deepword", "hugeword", "escword", "entword") if w in body)
    assert store.entry_ids(word) == [entry_id]


def test_a_look_while_another_connection_writes_shows_the_body_and_keeps_it_later(tmp_path) -> None:
    """The Markdown is made for the reader even when the database is busy writing (a fetch in
    another process); it is kept by a later look, once the database is free."""
    path = tmp_path / "db"
    store = _fill(path, _feeds(tmp_path)[:2], made_now=False)
    (entry_id,) = store.entry_ids("zorblaxite")
    expected = eager(parse_feed(_feeds(tmp_path)[0][1], FEEDS[0]).items[0]).summary
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # holds the write lock
    try:
        assert shown(store, entry_id).body == expected
        kept = "SELECT count(markdown) FROM items WHERE entry_id = ?"
        assert store.db.execute(kept, (entry_id,)).fetchone() == (0,)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert shown(store, entry_id).body == expected
    assert store.db.execute(kept, (entry_id,)).fetchone() == (1,)
    store.db.execute("INSERT INTO meta (key, value) VALUES ('written', 'yes')")  # the timeout is back

"""The article of an item whose HTML body is made Markdown when first shown (issue 22) reads as it
did when the fetch made the Markdown: the same text, links numbered and listed, and the Markdown
kept for the next look."""

from __future__ import annotations

import html

from veille_tui.core.feeds.parse import parse_feed

from .helpers import fetched, main, settle

SIZE = (120, 40)
SUMMARY = (
    '<p>Fortinet fixed a <b>critical</b> flaw in FortiOS, see <a href="/psirt/FG-IR-26-001">the advisory</a>'
    ' and <a href="javascript:alert(1)">this</a>.</p><script>alert("no")</script>'
    '<ul><li>FortiOS 7.4</li><li>FortiOS 7.2</li></ul><img src="/chain.png" alt="the attack chain">'
    "<pre><code>curl -s https://fenced.example/check | sh</code></pre>"
)
FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>'
    "<item><title>Lazy body: FortiOS advisory</title><link>https://cert.example.org/avis/lazy</link>"
    f"<guid>lazy</guid><pubDate>Mon, 31 Aug 2026 10:00:00 GMT</pubDate><description>{html.escape(SUMMARY)}"
    "</description></item></channel></rss>"
).encode()


async def test_the_article_made_lazily_reads_as_the_eager_one(make_app, lib) -> None:
    (item,) = parse_feed(FEED, "https://cert.example.org/feed.xml").items
    assert item.html is not None
    fetched(lib, "Fixture CERT", [item])
    db = lib.store.db
    assert db.execute("SELECT markdown FROM items WHERE guid = 'lazy'").fetchone() == (None,)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        article = main(app).article
        assert article.entry is not None and article.entry.title == "Lazy body: FortiOS advisory"
        lazy = article.text
    assert "Fortinet fixed a critical flaw in FortiOS, see the advisory [1] and this." in lazy
    assert "FortiOS 7.4" in lazy and "[image: the attack chain]" in lazy and "curl -s" in lazy
    assert "[1] https://cert.example.org/psirt/FG-IR-26-001" in lazy and "alert" not in lazy
    (kept,) = db.execute("SELECT markdown FROM items WHERE guid = 'lazy'").fetchone()
    assert kept and "**critical**" in kept
    # the same item as the fetch stored it before: its Markdown made at once (and indexed), no HTML
    (entry_id,) = db.execute("SELECT entry_id FROM items WHERE guid = 'lazy'").fetchone()
    db.execute("UPDATE items SET summary = markdown, html = NULL, markdown = NULL WHERE guid = 'lazy'")
    db.execute("UPDATE entries_fts SET body = ? WHERE rowid = ?", (kept, entry_id))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        article = main(app).article
        assert article.entry is not None and article.entry.title == "Lazy body: FortiOS advisory"
        assert article.text == lazy

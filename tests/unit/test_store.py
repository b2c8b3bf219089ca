"""The store: entries from posts and items, folding, tags, state, migrations, damage."""

from __future__ import annotations

import sqlite3
import time

import pytest
from tests.conftest import write_post
from tests.helpers import present

from veille_tui.core.archive.indexer import index_archive
from veille_tui.core.models import Feed, Item
from veille_tui.core.store import SCHEMA_VERSION, StoreError
from veille_tui.core.update import open_store, store_fetch


def item(n, link=None, guid=None, title=None, summary="", ts=1_785_000_000, categories=()):
    return Item(
        guid=guid if guid is not None else f"g{n}",
        link=link,
        title=title or f"Item {n}",
        date="2026-07-25T00:00:00+00:00",
        ts=ts + n,
        summary=summary,
        categories=categories,
    )


@pytest.fixture
def archive(posts_dir):
    write_post(
        posts_dir,
        "2026-07-01-a.md",
        """
        ---
        title: 'Post A'
        date: 2026-07-01
        tags:
        - veille-cyber
        - bleepingcomp
        ---
        Fortinet vulnérabilité CVE-2026-40001.

        [Source](https://www.Example.com:443/news/a/?utm_source=rss){:target="_blank"}
        """,
    )
    write_post(
        posts_dir,
        "2026-07-02-b.md",
        """
        ---
        title: 'Post B'
        date: 2026-07-02
        tags: [veille-cyber, hackernews]
        ---
        Rien.

        [Source](https://example.org/b){:target="_blank"}
        """,
    )
    return posts_dir


@pytest.fixture
def store(tmp_path, archive):
    s = open_store(tmp_path / "db.sqlite", watch=["fortinet"])
    index_archive(s, archive)
    s.sync_feeds([Feed("https://feeds.example.com/rss", "Example News", ("news",))])
    return s


def feed_id(store):
    return store.feed_states()[0][0]


def test_items_fold_into_posts_by_normalised_link(store) -> None:
    added = store_fetch(
        store,
        feed_id(store),
        status="ok",
        items=[
            item(1, link="http://WWW.example.com/news/a"),  # scheme, host case, port, trailing slash, utm differ
            item(2, link="https://example.com/news/c"),
        ],
    )
    # issue 11, bug 3: the item folded into a post is not counted as new, but apart
    assert added.new == 1 and added.archived == 1
    assert store.count() == 3
    post_a = store.entries("+bleepingcomp")[0]
    assert post_a.kind == "post" and post_a.feeds == ("Example News",)
    assert "news" in post_a.tags  # the feed's tag is given to what it brings
    assert store.count("feed:example") == 2
    assert store.count("feed:example is:archived") == 1
    assert store.count("is:archived") == 2


def test_same_link_from_two_feeds_is_one_entry(store) -> None:
    store.sync_feeds(
        [
            Feed("https://feeds.example.com/rss", "Example News", ("news",)),
            Feed("https://other.example.net/atom", "Other", ("other",)),
        ]
    )
    (id1, *_), (id2, *_) = sorted(store.feed_states(), key=lambda r: r[1])
    store_fetch(store, id1, status="ok", items=[item(1, link="https://example.com/x")])
    store_fetch(store, id2, status="ok", items=[item(9, link="https://example.com/x/")])
    entries = store.entries("is:unread")
    assert len(entries) == 1
    assert set(entries[0].feeds) == {"Example News", "Other"}
    assert {"news", "other"} <= set(entries[0].tags)


def test_distinct_items_of_one_feed_that_share_a_link_stay_separate(store) -> None:
    # a feed whose three bulletins all link to the same index page: different ids, different titles
    page = "https://advisories.example.com/bulletins"
    items = [item(n, link=page, guid=f"bulletin-{n}", title=f"Bulletin {n}: router flaw") for n in (1, 2, 3)]
    assert store.record_fetch(feed_id(store), status="ok", items=items).new == 3
    assert sorted(e.title for e in store.entries("is:item")) == [
        "Bulletin 1: router flaw",
        "Bulletin 2: router flaw",
        "Bulletin 3: router flaw",
    ]
    assert store.count("bulletin 2") == 1
    # the same story re-published under a new id, with its title, still folds into its entry
    again = item(4, link=page, guid="bulletin-2-republished", title="Bulletin 2:  router FLAW")
    assert store.record_fetch(feed_id(store), status="ok", items=[*items, again]).new == 1
    assert store.count("is:item") == 3
    # and another feed linking there joins the first entry of that link, as before
    store.sync_feeds(
        [
            Feed("https://feeds.example.com/rss", "Example News", ("news",)),
            Feed("https://other.example.net/atom", "Other", ("other",)),
        ]
    )
    other = next(s.id for s in store.feed_states() if s.url.startswith("https://other."))
    store.record_fetch(other, status="ok", items=[item(9, link=page + "/", title="Weekly roundup")])
    assert store.count("is:item") == 3
    assert store.count("feed:other") == 1
    # items of one feed that carry an archived post's link are that post's story, whatever their titles
    post_link = "https://www.example.com/news/a"
    posted = [item(n, link=post_link, guid=f"p{n}", title=f"Follow-up {n}") for n in (11, 12)]
    added = store.record_fetch(feed_id(store), status="ok", items=posted)
    assert (added.new, added.archived) == (0, 2)
    assert store.count("is:item") == 3 and store.count("follow-up") == 0


def test_fragment_is_not_stripped(store) -> None:
    store_fetch(store, feed_id(store), status="ok", items=[item(1, link="https://example.com/news/a#c2")])
    assert store.count("is:unread") == 1
    assert store.entries("is:unread")[0].kind == "item"


def test_items_without_guid_dedupe_by_link_and_refetch_adds_nothing(store) -> None:
    items = [item(1, link="https://example.com/z", guid=""), item(2, link="https://example.com/y", guid="")]
    assert store_fetch(store, feed_id(store), status="ok", items=items).new == 2
    assert store_fetch(store, feed_id(store), status="ok", items=items).new == 0
    assert store.count("is:item") == 2


def test_derived_tags_cve_and_watch(store) -> None:
    counts = store.tag_counts()
    assert counts["cve"] == 1 and counts["watch"] == 1
    store_fetch(
        store,
        feed_id(store),
        status="ok",
        items=[item(5, link="https://e.com/5", summary="FORTINET patches CVE-2026-1111")],
    )
    counts = store.tag_counts()
    assert counts["cve"] == 2 and counts["watch"] == 2
    assert store.count("cve:CVE-2026-1111") == 1


def test_watch_list_change_recomputes(tmp_path, archive) -> None:
    index_archive(open_store(tmp_path / "w.sqlite", watch=["fortinet"]), archive)
    s = open_store(tmp_path / "w.sqlite", watch=["rien"])
    assert s.count("+watch") == 1 and s.entries("+watch")[0].title == "Post B"
    assert "watch" in s.entries("+watch")[0].tags
    assert "watch" not in s.entries("+bleepingcomp")[0].tags


def test_read_and_starred_survive_reindex(store, archive) -> None:
    store_fetch(store, feed_id(store), status="ok", items=[item(1, link="https://example.com/new")])
    new = store.entries("is:unread")[0]
    post = store.entries("+hackernews")[0]
    store.set_read(new.id)
    store.set_starred(post.id)
    write_post(archive, "2026-07-03-c.md", "---\ntitle: C\n---\nx\n")
    index_archive(store, archive)
    assert store.entry(new.id).read
    assert store.entry(post.id).starred


def test_archiving_an_item_keeps_its_state_and_folds_it(store, archive) -> None:
    store_fetch(store, feed_id(store), status="ok", items=[item(1, link="https://example.com/new-story")])
    entry = store.entries("is:item")[0]
    store.set_starred(entry.id)
    write_post(
        archive,
        "2026-07-25-new-story.md",
        "---\ntitle: New story\ntags: [veille-cyber, bleepingcomp]\n---\nx\n\n[Source](https://example.com/new-story)\n",
    )
    index_archive(store, archive)
    archived = store.entry(entry.id)
    assert archived.kind == "post" and archived.starred and archived.title == "New story"
    assert store.count("is:item") == 0
    # the post removed again: the item is back, not lost
    (archive / "2026-07-25-new-story.md").unlink()
    index_archive(store, archive)
    again = store.entry(entry.id)
    assert again.kind == "item" and again.title == "Item 1" and again.starred


def test_failed_fetch_keeps_items_and_records_error(store) -> None:
    store_fetch(store, feed_id(store), status="ok", items=[item(1, link="https://example.com/k")])
    store_fetch(store, feed_id(store), status="error", error="HTTP 500 Internal Server Error")
    status = store.feed_statuses()[0]
    assert status.last_error == "HTTP 500 Internal Server Error"
    assert status.total == 1 and status.unread == 1


def test_permanent_redirect_updates_url_and_validators_are_kept(store) -> None:
    fid = feed_id(store)
    store_fetch(
        store,
        fid,
        status="ok",
        etag='"v1"',
        last_modified="Mon, 01 Jan 2026 00:00:00 GMT",
        final_url="https://feeds.example.com/new-rss",
    )
    ((_id, url, _t, etag, lm),) = store.feed_states()
    assert (url, etag, lm) == ("https://feeds.example.com/new-rss", '"v1"', "Mon, 01 Jan 2026 00:00:00 GMT")


def test_retention_never_drops_unread_or_starred(store) -> None:
    fid = feed_id(store)
    store_fetch(store, fid, status="ok", items=[item(n, link=f"https://e.com/{n}") for n in range(3)])
    e0, e1, e2 = sorted(store.entries("is:item"), key=lambda e: e.title)
    store.set_read(e0.id)
    store.set_read(e1.id)
    store.set_starred(e1.id)
    dropped = store.prune(retention_days=1, now=4_000_000_000)
    assert dropped == 1
    assert {e.id for e in store.entries("is:item")} == {e1.id, e2.id}


def test_retention_walks_only_the_entries_it_may_drop(store) -> None:
    """The prune of every fetch reads the prunable entries' index, not every item: thousands of
    unread items cost it nothing (issue 14, the unchanged fetch)."""
    fid = feed_id(store)
    store_fetch(store, fid, status="ok", items=[item(n, link=f"https://e.com/{n}") for n in range(4)])
    e0, e1, e2, e3 = sorted(store.entries("is:item"), key=lambda e: e.title)
    store.set_read(e0.id)
    store.set_read(e1.id)
    store.set_starred(e1.id)
    store.set_read(e2.id)
    store.set_read(e2.id, False)
    prunable = store.db.execute(
        "SELECT id FROM entries INDEXED BY entries_prunable WHERE kind = 'item'"
        " AND read = 1 AND starred = 0 AND draft IS NULL"
    ).fetchall()
    assert prunable == [(e0.id,)]
    assert store.prune(retention_days=1, now=4_000_000_000) == 1
    assert {e.id for e in store.entries("is:item")} == {e1.id, e2.id, e3.id}


def test_schema_version_and_migration_from_empty(tmp_path) -> None:
    s = open_store(tmp_path / "m.sqlite")
    assert s.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path) -> None:
    path = tmp_path / "n.sqlite"
    open_store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(StoreError, match="newer veille-tui"):
        open_store(path)


def test_damaged_database_says_how_to_recover(tmp_path) -> None:
    path = tmp_path / "d.sqlite"
    path.write_bytes(b"this is not a database" * 200)
    with pytest.raises(StoreError) as info:
        open_store(path)
    message = str(info.value)
    assert str(path) in message and "veille-tui index" in message and "state export" in message


def test_state_export_import_round_trip(tmp_path, archive, store) -> None:
    store_fetch(store, feed_id(store), status="ok", items=[item(1, link="https://example.com/q")])
    q = store.entries("is:item")[0]
    store.set_starred(q.id)
    store.set_starred(store.entries("+hackernews")[0].id)
    exported = store.export_state()
    fresh = open_store(tmp_path / "fresh.sqlite")
    index_archive(fresh, archive)
    fresh.sync_feeds([Feed("https://feeds.example.com/rss", "Example News", ("news",))])
    store_fetch(fresh, fresh.feed_states()[0][0], status="ok", items=[item(1, link="https://example.com/q")])
    assert fresh.import_state(exported) == 2
    assert fresh.count("is:starred") == 2


def test_two_connections_write_at_once(tmp_path, archive) -> None:
    """A cron `fetch` and the TUI: each its own connection, neither fails."""
    path = tmp_path / "c.sqlite"
    a, b = open_store(path), open_store(path)
    index_archive(a, archive)
    a.sync_feeds([Feed("https://f.example/rss", "F")])
    fid = a.feed_states()[0][0]
    with a.transaction():
        store_fetch(a, fid, status="ok", items=[item(1, link="https://e.com/1")])
        # b reads a consistent snapshot while a writes
        assert b.count() == 2
    entry = b.entries("is:item")[0]
    b.set_read(entry.id)
    assert present(a.entry(entry.id)).read


def test_migration_from_version_1_keeps_data(tmp_path) -> None:
    from veille_tui.core.store.schema import MIGRATIONS
    from veille_tui.core.store.schema import statements as _statements

    path = tmp_path / "v1.sqlite"
    db = sqlite3.connect(path)
    for statement in _statements(MIGRATIONS[0]):
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO feeds (url, title) VALUES ('https://f.example/rss', 'F')")
    db.execute(
        "INSERT INTO entries (id, kind, title, date, ts, read, starred, added) VALUES (7, 'item', 'Kept', '2026-07-01', 1, 1, 1, 0)"
    )
    db.execute("INSERT INTO items (feed_id, guid, title, entry_id, fetched) VALUES (1, 'g', 'Kept', 7, 0)")
    db.commit()
    db.close()
    store = open_store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
    assert "items_feed_entry" in {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    kept = present(store.entry(7))
    assert kept.title == "Kept" and kept.read and kept.starred
    assert store.feed_statuses()[0].total == 1


def test_permanent_redirect_keeps_the_subscription(store) -> None:
    fid = feed_id(store)
    store_fetch(
        store, fid, status="ok", items=[item(1, link="https://e.com/r")], final_url="https://moved.example.com/rss"
    )
    store.sync_feeds([Feed("https://feeds.example.com/rss", "Example News", ("news",))])  # the config is unchanged
    ((new_id, url, *_),) = store.feed_states()
    assert new_id == fid and url == "https://moved.example.com/rss"
    assert store.feed_statuses()[0].total == 1


def test_per_feed_retention(store) -> None:
    store.sync_feeds(
        [
            Feed("https://feeds.example.com/rss", "Example News", ("news",), retention_days=2),
            Feed("https://keep.example.net/rss", "Keep", ()),
        ]
    )
    states = {url: fid for fid, url, *_ in store.feed_states()}
    store_fetch(
        store, states["https://feeds.example.com/rss"], status="ok", items=[item(1, link="https://e.com/short")]
    )
    store_fetch(store, states["https://keep.example.net/rss"], status="ok", items=[item(2, link="https://e.com/long")])
    store.mark_all_read(store.entry_ids("is:item"))
    three_days_later = time.time() + 3 * 86400
    assert store.prune(retention_days=30, now=three_days_later) == 1
    assert [e.link for e in store.entries("is:item")] == ["https://e.com/long"]


def test_a_feed_without_a_title_takes_its_own(store) -> None:
    store.sync_feeds([Feed("https://untitled.example.net/rss")])
    fid = store.feed_states()[0][0]
    store_fetch(store, fid, status="ok", site_title="Untitled Weekly", items=[item(1, link="https://e.com/u")])
    assert store.feed_statuses()[0].title == "Untitled Weekly"
    assert store.entries("is:item")[0].source == "Untitled Weekly"
    assert store.count("feed:weekly") == 1


def test_state_survives_indexing_another_archive_and_coming_back(store, archive, tmp_path) -> None:
    post = store.entries("+hackernews")[0]
    store.set_starred(post.id)
    store.set_read(store.entries("+bleepingcomp")[0].id, False)
    other = tmp_path / "other"
    other.mkdir()
    write_post(other, "2026-07-09-other.md", "---\ntitle: Other\n---\nx\n")
    index_archive(store, other)  # the first archive's posts leave the index
    assert store.count() == 1 and store.count("is:starred") == 0
    index_archive(store, archive)  # and come back with their state
    assert [e.title for e in store.entries("is:starred")] == ["Post B"]
    assert [e.title for e in store.entries("is:unread")] == ["Post A"]
    assert store.db.execute("SELECT count(*) FROM kept_state").fetchone()[0] == 0

"""Full text in the store: kept with the entry, searchable, `has:fulltext`, a failure recorded
without losing the text before, gone with the entry, carried along when an item joins a post."""

from __future__ import annotations

from tests.conftest import write_post
from tests.helpers import present

from veille_tui.core.archive.indexer import index_archive
from veille_tui.core.models import Feed, FullText, Item
from veille_tui.core.store import Store
from veille_tui.core.update import open_store, store_fetch


def _item(n: int, link: str, summary: str = "a short summary") -> Item:
    return Item(
        guid=f"g{n}",
        link=link,
        title=f"Item {n}",
        date="2026-07-25T00:00:00+00:00",
        ts=1_785_000_000 + n,
        summary=summary,
    )


def _text(words: str, source: str = "https://example.org/a") -> FullText:
    return FullText(
        title="Title",
        markdown=f"# Title\n\n{words}",
        text=f"Title {words}",
        words=1 + len(words.split()),
        source=source,
    )


def _store(tmp_path, links=("https://example.org/a", "https://example.org/b")) -> tuple[Store, list[int]]:
    store = open_store(tmp_path / "db.sqlite")
    feed = Feed("https://example.org/feed")
    store.sync_feeds([feed])
    (state,) = store.feed_states()
    store_fetch(store, state.id, status="ok", items=[_item(n, link) for n, link in enumerate(links)])
    return store, sorted(store.entry_ids())


def test_stored_and_found_by_search(tmp_path) -> None:
    store, (a, b) = _store(tmp_path)
    assert store.full_text(a) is None
    store.save_full_text(a, _text("the quokkaword appears only in the page"))
    found = store.full_text(a)
    assert found is not None and found.ok and found.error is None
    assert found.markdown.startswith("# Title") and found.words == 8 and found.entry_id == a
    assert store.entry_ids("quokkaword") == [a]
    assert store.entry_ids("quokka") == [a]  # a prefix, as other words
    assert store.entry_ids('"appears only"') == [a]
    # one word from the summary, one from the full text: both found, in the one entry
    assert store.entry_ids("summary quokkaword") == [a]
    assert set(store.entry_ids("summary")) == {a, b}
    assert store.entry_ids("has:fulltext") == [a]
    assert store.entry_ids("has:fulltext quokkaword") == [a]
    assert store.count("not:read has:fulltext") == 1


def test_failure_keeps_the_text_before(tmp_path) -> None:
    store, (a, b) = _store(tmp_path)
    store.save_full_text_error(b, "https://example.org/b", "HTTP 403 Forbidden")
    failed = store.full_text(b)
    assert failed is not None and not failed.ok and failed.error == "HTTP 403 Forbidden"
    assert store.entry_ids("has:fulltext") == []
    store.save_full_text(a, _text("wombatword"))
    store.save_full_text_error(a, "https://example.org/a", "timed out after 20 s")
    kept = store.full_text(a)
    assert kept is not None and kept.ok and kept.error == "timed out after 20 s" and "wombatword" in kept.markdown
    assert store.entry_ids("wombatword") == [a]
    # a new text replaces the old one in search too
    store.save_full_text(a, _text("numbatword"))
    assert store.entry_ids("wombatword") == [] and store.entry_ids("numbatword") == [a]
    assert present(store.full_text(a)).error is None


def test_gone_with_its_entry(tmp_path) -> None:
    store, (a, _b) = _store(tmp_path)
    store.save_full_text(a, _text("dingoword"))
    store.db.execute("DELETE FROM entries WHERE id = ?", (a,))
    assert store.full_text(a) is None
    assert store.db.execute("SELECT count(*) FROM fulltext_fts WHERE fulltext_fts MATCH 'dingoword'").fetchone() == (0,)
    store.db.execute("INSERT INTO fulltext_fts (fulltext_fts) VALUES ('integrity-check')")
    # and for an entry that does not exist, nothing is stored
    store.save_full_text(a, _text("dingoword"))
    assert store.full_text(a) is None


def test_follows_an_item_into_its_post(tmp_path, posts_dir) -> None:
    store, (a, _b) = _store(tmp_path)
    store.save_full_text(a, _text("bilbyword"))  # the post may take the item's entry, or the text moves
    write_post(
        posts_dir,
        "2026-07-26-a.md",
        """
        ---
        title: 'Post A'
        date: 2026-07-26
        tags: [veille-cyber]
        ---
        Résumé.

        [Source](https://example.org/a){:target="_blank"}
        """,
    )
    index_archive(store, posts_dir)
    (post_id,) = store.entry_ids("is:archived")
    moved = store.full_text(post_id)
    assert moved is not None and "bilbyword" in moved.markdown
    assert store.entry_ids("bilbyword") == [post_id]


def test_has_is_checked() -> None:
    import pytest

    from veille_tui.core.errors import QueryError
    from veille_tui.core.query import parse

    assert parse("has:fulltext").flags == ("has:fulltext",)
    assert parse("HAS:FullText").flags == ("has:fulltext",)
    with pytest.raises(QueryError, match="use has:fulltext"):
        parse("has:pictures")

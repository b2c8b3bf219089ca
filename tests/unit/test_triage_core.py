"""What the triage keys need from the library: the next unread entry of a list, marking a view
read, the sidebar's view counts, the query history kept across runs, a
saved query, a tag no entry has (issue 11, bug 10) and the feeds' health."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from veille_tui.core import history
from veille_tui.core.library import Library
from veille_tui.core.models import Item
from veille_tui.core.update import store_fetch

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "_posts"

CONFIG = """\
watch = ["fortinet"]

[[feeds]]
url = "https://news.example.org/feed.xml"
title = "News"
tags = ["news"]

[[feeds]]
url = "https://down.example.org/feed.xml"
title = "Down"
"""


def item(n: int, title: str = "", summary: str = "", link: str | None = None) -> Item:
    return Item(
        guid=f"g{n}",
        link=link or f"https://news.example.org/{n}",
        title=title or f"Story {n}",
        date=f"2026-08-{n:02d}T10:00:00+00:00",
        ts=1785578400 + n * 86400,
        summary=summary or f"Body {n}",
    )


@pytest.fixture
def lib(tmp_path):
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "config.toml").write_text(CONFIG, encoding="utf-8")
    archive = tmp_path / "_posts"
    shutil.copytree(EXAMPLES, archive)
    library = Library.open(archive=str(archive))
    library.index()
    store = library.store
    store.sync_feeds(library.settings.feeds)
    news = next(s.id for s in store.feed_states() if s.title == "News")
    store_fetch(
        store, news, status="ok", items=[item(n, summary="Fortinet FortiOS" if n == 3 else "") for n in range(1, 6)]
    )
    yield library
    library.close()


def test_next_unread_walks_the_view_down_and_up(lib) -> None:
    items = lib.entry_ids("is:item")  # newest first
    newest = lib.entry(items[0])
    assert lib.next_unread("", newest.ts, newest.id) == items[1]
    lib.set_read(items[1])
    assert lib.next_unread("", newest.ts, newest.id) == items[2]
    last = lib.entry(items[-1])
    assert lib.next_unread("", last.ts, last.id) is None
    assert lib.next_unread("", last.ts, last.id, forward=False) == items[-2]
    third = lib.entry(items[2])
    assert lib.next_unread("fortinet", newest.ts, newest.id) == items[2] == lib.entry_ids("fortinet is:item")[0]
    assert lib.next_unread("fortinet", third.ts, third.id) is None


def test_first_unread_is_a_position_in_the_list_given(lib) -> None:
    ids = lib.entry_ids("")
    items = lib.entry_ids("is:item")
    assert lib.first_unread(ids) == ids.index(items[0])  # posts are read, items not
    for entry_id in items[:3]:
        lib.set_read(entry_id)
    assert lib.first_unread(ids) == ids.index(items[3])
    assert lib.first_unread(list(reversed(ids))) == list(reversed(ids)).index(items[-1])
    assert lib.first_unread(lib.entry_ids("is:archived")) is None
    assert lib.first_unread([]) is None


def test_first_unread_past_its_first_windows(lib) -> None:
    ids = lib.entry_ids("is:item")
    padding = lib.entry_ids("is:archived") * 60  # read entries, 1,440 of them: past the 64 and 1,024 windows
    assert lib.first_unread(padding + ids) == len(padding)


def test_mark_all_read_counts_what_was_unread(lib) -> None:
    ids = lib.entry_ids("")
    assert lib.count("is:unread") == 5
    assert lib.mark_all_read(ids) == 5
    assert lib.count("is:unread") == 0
    assert lib.mark_all_read(ids) == 0


def test_view_counts_leave_out_what_the_store_cannot_answer(lib) -> None:
    views = [("unread", "is:unread"), ("watch", "+watch"), ("drafts", "is:drafted"), ("later", "is:someday")]
    counts = lib.view_counts(views)
    assert counts["unread"] == 5
    assert counts["watch"] == lib.count("+watch") >= 1
    assert counts["drafts"] == 0  # `is:drafted` came with drafts (issue 12)
    assert counts["later"] is None  # a flag this version does not know: the view is not shown


def test_a_tag_no_entry_has_says_so_and_offers_the_words(lib) -> None:
    """Issue 11, bug 10: `+fortinet` gave 0 entries without a word."""
    assert lib.count("+fortinet") == 0
    hint = lib.tag_hint("+fortinet is:unread")
    assert hint is not None
    assert hint.message.startswith("no entry has the tag fortinet")
    assert hint.query == "fortinet is:unread" and hint.count == lib.count("fortinet is:unread") == 1
    assert "The words search `fortinet is:unread` finds 1 entry" in hint.message
    close = lib.tag_hint("+bleepingcom")
    assert close is not None and "did you mean +bleepingcomp?" in close.message
    nothing = lib.tag_hint("+zzzz")
    assert nothing is not None and nothing.query is None and "nor does the words search" in nothing.message
    assert lib.tag_hint("+news") is None and lib.tag_hint("fortinet") is None


def test_query_history_is_kept_across_runs(lib, tmp_path) -> None:
    assert lib.query_history() == []
    lib.remember_query("+news")
    lib.remember_query("fortinet   is:unread")
    lib.remember_query("+news")  # again: it becomes the newest
    assert lib.query_history() == ["fortinet is:unread", "+news"]
    assert lib.history_path.parent == lib.db_path.parent
    again = Library.open(archive=str(tmp_path / "_posts"))
    assert again.query_history() == ["fortinet is:unread", "+news"]
    for n in range(150):
        history.remember(lib.history_path, f"q{n}")
    kept = lib.query_history()
    assert len(kept) == history.KEEP and kept[-1] == "q149"


def test_a_saved_query_goes_to_the_config(lib) -> None:
    lib.save_query("Fortinet unread", "fortinet is:unread")
    assert ("Fortinet unread", "fortinet is:unread") in lib.settings.queries
    text = lib.settings.path.read_text()
    assert "[queries]" in text and '"Fortinet unread" = "fortinet is:unread"' in text
    assert 'watch = ["fortinet"]' in text  # the rest of the file kept


def test_feed_health_counts_failures_in_a_row(lib) -> None:
    store = lib.store
    down = next(s.id for s in store.feed_states() if s.title == "Down")
    store_fetch(store, down, status="error", error="HTTP 500 Internal Server Error")
    store_fetch(store, down, status="error", error="HTTP 502 Bad Gateway")
    health = {feed.title: status for feed, status in lib.feed_health()}
    status = health["Down"]
    assert status is not None and status.failing and status.failures == 2
    assert status.last_error == "HTTP 502 Bad Gateway" and status.last_ok is None and status.last_fetch
    news = health["News"]
    assert news is not None and not news.failing and news.failures == 0 and news.last_ok and news.total == 5
    store_fetch(store, down, status="ok", items=[])
    status = {f.title: s for f, s in lib.feed_health()}["Down"]
    assert status is not None and status.failures == 0 and status.last_error is None and status.last_ok
    assert status.to_json()["failures"] == 0


def test_items_folded_into_archived_posts_are_counted_apart(lib) -> None:
    """Issue 11, bug 3: the first fetch said "705 new items" when 5 stories were new."""
    store = lib.store
    news = next(s.id for s in store.feed_states() if s.title == "News")
    posts = lib.entries("is:archived", limit=3)
    added = store_fetch(
        store, news, status="ok", items=[item(20 + n, link=post.link) for n, post in enumerate(posts)] + [item(9)]
    )
    assert (added.new, added.archived) == (1, 3)

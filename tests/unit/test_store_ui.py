"""Store methods the TUI added for itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from veille_tui.core.archive.indexer import index_archive
from veille_tui.core.errors import QueryError
from veille_tui.core.models import Feed, Item
from veille_tui.core.store import Store
from veille_tui.core.update import open_store, store_fetch

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "_posts"


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(tmp_path / "veille.db", watch=("fortinet",))
    index_archive(s, EXAMPLES)
    s.sync_feeds([Feed("https://f.example.org/rss", "F", ("ftag",))])
    feed_id = s.feed_states()[0][0]
    store_fetch(
        s,
        feed_id,
        status="ok",
        items=[
            Item(
                guid=f"g{n}",
                link=f"https://f.example.org/{n}",
                title=f"Item {n} vulnérabilité",
                date=None,
                ts=None,
                summary="text",
            )
            for n in range(5)
        ],
    )
    yield s
    s.close()


@pytest.mark.parametrize(
    "query", ["", "+certfr", "-veille-cyber", "vulnerabilite", "is:unread", "feed:F", "+nosuchtag"]
)
def test_entry_id_list_equals_entry_ids(store: Store, query: str) -> None:
    assert store.entry_id_list(query) == store.entry_ids(query)


def test_entry_id_list_of_nothing_is_empty(store: Store) -> None:
    assert store.entry_id_list("+nosuchtag") == []


def test_entry_id_list_bad_query(store: Store) -> None:
    with pytest.raises(QueryError):
        store.entry_id_list("@notadate")

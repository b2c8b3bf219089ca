"""`Store.entry_id_head`: the first rows of a query read from a walk of the order index give the
same ids, in the same order, as the whole list (`entry_id_list`) cut to their number, whatever
the query, the walk's length and the number asked for."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from veille_tui.core.models import Feed, Item
from veille_tui.core.query import probing
from veille_tui.core.update import open_store, store_fetch

WORDS = "ransomware phishing vulnérabilité exploit patch botnet fortinet cisco supply chain loader cloud".split()
TAGS = ["ransomware", "cloud", "vuln", "rare"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    rng = random.Random(22)
    store = open_store(tmp_path_factory.mktemp("head") / "db.sqlite")
    feeds = [Feed(f"https://feeds.example.net/{i}/rss.xml", f"Head feed {i}", (TAGS[i % 3],)) for i in range(3)]
    store.sync_feeds(feeds)
    ids = {url: fid for fid, url, *_ in store.feed_states()}
    for f, feed in enumerate(feeds):
        items = []
        for k in range(200):
            ts = 1_785_000_000 + rng.randrange(0, 400) * 3600  # many entries share a time: ties
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
            rare = ("rare",) if rng.random() < 0.02 else ()
            items.append(
                Item(
                    guid=f"h-{f}-{k}",
                    link=f"https://news.example.net/{f}/{k}.html",
                    title=f"{rng.choice(WORDS).capitalize()} {k}",
                    date=datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds"),
                    ts=ts,
                    summary=words + (f" CVE-2026-{1000 + k}" if rng.random() < 0.1 else ""),
                    categories=(rng.choice(TAGS[:3]), *rare),
                )
            )
        store_fetch(store, ids[feed.url], status="ok", items=items)
    entry_ids = store.entry_id_list("")
    store.db.executemany("UPDATE entries SET read = 1 WHERE id = ?", [(i,) for i in entry_ids[::3]])
    store.db.executemany("UPDATE entries SET starred = 1 WHERE id = ?", [(i,) for i in entry_ids[::17]])
    store.db.commit()
    yield store
    store.close()


QUERIES = [
    "",
    "fortinet",
    "vulnérabilité patch",
    "vulnerabilit",
    '"supply chain"',
    "zzzz",
    "+cloud",
    "+rare",
    "-cloud",
    "+vuln is:unread",
    "is:starred",
    "is:read cisco",
    "+ransomware loader",
    "cve:CVE-2026-1010",
    "feed:head -vuln",
    "@2026-07-30",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("walk", [0, 7, 60, 200, 4000])
def test_the_first_rows_are_the_start_of_the_whole_list(store, query, walk) -> None:
    whole = store.entry_id_list(query)
    for limit in (1, 5, 40, 151, 700):
        assert store.entry_id_head(query, limit, walk=walk) == whole[:limit], (query, walk, limit)


def test_hidden_entries_stay_out_of_the_first_rows(store) -> None:
    whole = store.entry_id_list("fortinet")
    hidden = whole[1:40:2]
    store.db.executemany("UPDATE entries SET hidden = 1 WHERE id = ?", [(i,) for i in hidden])
    store.db.commit()
    try:
        head = store.entry_id_head("fortinet", 30, walk=50)
        assert head == store.entry_id_list("fortinet")[:30]
        assert not set(head) & set(hidden)
        assert store.entry_id_head("is:hidden", 5, walk=50) == store.entry_id_list("is:hidden")[:5]
    finally:
        store.db.execute("UPDATE entries SET hidden = 0")
        store.db.commit()


def test_probing_marks_only_the_sets_of_ids() -> None:
    where = "e.id NOT IN (SELECT id FROM entries WHERE hidden = 1) AND e.id IN (SELECT entry_id FROM t) AND e.ts >= ?"
    assert probing(where) == (
        "e.id NOT IN (SELECT id FROM entries WHERE hidden = 1) AND +e.id IN (SELECT entry_id FROM t) AND e.ts >= ?"
    )
    assert probing(probing(where)) == probing(where)

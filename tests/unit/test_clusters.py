"""Story clusters (issue 10): CVE ids in common within 7 days, near-identical titles within 3 days,
the same source URL whatever the dates; a roundup naming 80 CVE ids chains nothing; the clusters
kept by the write batches are the ones a full recompute gives."""

from __future__ import annotations

import logging
import random
import time
from pathlib import Path

from veille_tui.core import enrich
from veille_tui.core.archive.indexer import index_archive
from veille_tui.core.enrich.cluster_rules import title_words
from veille_tui.core.models import Feed, Item
from veille_tui.core.store import Store
from veille_tui.core.update import open_store, store_fetch

DAY = 86400
T0 = 1_785_000_000  # 2026-07-25


def _store(tmp_path: Path) -> tuple[Store, int, int]:
    store = open_store(tmp_path / "db.sqlite")
    store.sync_feeds(
        [
            Feed("https://alpha.example.net/rss", "Alpha News", ("alpha",)),
            Feed("https://beta.example.net/rss", "Beta Wire", ("beta",)),
        ]
    )
    states = {s.title: s.id for s in store.feed_states()}
    return store, states["Alpha News"], states["Beta Wire"]


def _dated(key: str, title: str, days: float, summary: str = "", link: str | None = None) -> Item:
    ts = int(T0 + days * DAY)
    date = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts))
    return Item(
        guid=key, link=link or f"https://stories.example.net/{key}", title=title, date=date, ts=ts, summary=summary
    )


def _id(store: Store, key: str) -> int:
    row = store.db.execute("SELECT entry_id FROM items WHERE guid = ?", (key,)).fetchone()
    assert row is not None, key
    return int(row[0])


def _related(store: Store, key: str) -> set[int]:
    return {e.id for e in store.related(_id(store, key))}


def _clusters(store: Store) -> dict[int, int]:
    return dict(store.db.execute("SELECT entry_id, cluster FROM entry_clusters"))


def _partition(store: Store) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for entry_id, cluster in _clusters(store).items():
        groups.setdefault(cluster, set()).add(entry_id)
    return {frozenset(g) for g in groups.values()}


def test_a_cve_in_common_within_7_days_joins_and_8_days_apart_does_not(tmp_path) -> None:
    store, alpha, beta = _store(tmp_path)
    store_fetch(store, alpha, status="ok", items=[_dated("a", "Acme gateway flaw under attack", 0, "CVE-2026-1001")])
    store_fetch(
        store,
        beta,
        status="ok",
        items=[
            _dated("b", "Patch now: the bug in Acme gateways", 6.9, "Fixed: CVE-2026-1001."),
            _dated("c", "Acme gateway flaw: a late writeup", -8, "About CVE-2026-1001 again."),
        ],
    )
    assert _related(store, "a") == {_id(store, "b")}
    assert _related(store, "b") == {_id(store, "a")}
    assert _related(store, "c") == set()  # 8 days before a, 14.9 before b


def test_near_identical_titles_within_3_days_join_different_ones_do_not(tmp_path) -> None:
    store, alpha, beta = _store(tmp_path)
    store_fetch(
        store,
        alpha,
        status="ok",
        items=[
            _dated("a", "Hidden backdoor in Tenvia router firmware grants admin access", 0),
            _dated("x", "Tenvia publishes its quarterly earnings report", 0.5),
        ],
    )
    store_fetch(
        store,
        beta,
        status="ok",
        items=[
            _dated("b", "Hidden backdoor in Tenvia router firmware gives admin access", 2.5),
            _dated("late", "Hidden backdoor in Tenvia router firmware grants admin access", 5.6),
            _dated("y", "Quarterly report: Tenvia sales grow in Europe", 1),
        ],
    )
    assert title_words("Hidden backdoors in the Tenvia router") == frozenset({"hidden", "backdoor", "tenvia", "router"})
    assert _related(store, "a") == {_id(store, "b")}
    assert _related(store, "x") == set() and _related(store, "y") == set()
    assert _related(store, "late") == set()  # the same title, 5.6 days after a, 3.1 after b


def test_one_source_joins_only_the_same_title(tmp_path) -> None:
    """A source's near-identical titles are a series (part 1, part 2), not one story told twice."""
    store, alpha, _beta = _store(tmp_path)
    store_fetch(
        store,
        alpha,
        status="ok",
        items=[
            _dated("p1", "Bypassing the Orbit sandbox with shared memory tricks part 1", 0),
            _dated("p2", "Bypassing the Orbit sandbox with shared memory tricks part 2", 1),
            _dated("again", "Bypassing the Orbit sandbox with shared memory tricks part 1", 2),
        ],
    )
    assert _related(store, "p1") == {_id(store, "again")}
    assert _related(store, "p2") == set()


def _post(folder: Path, name: str, title: str, day: str, source: str, tags: str = "bleepingcomp") -> None:
    (folder / name).write_text(
        f"---\ntitle: '{title}'\ndate: {day}\npermalink: /posts/{name}/\ntags:\n- veille-cyber\n- {tags}\n---\n"
        f'### {title}\n\nNotre résumé.\n\n[Source]({source}){{:target="_blank"}}\n',
        encoding="utf-8",
    )


def test_two_posts_of_one_source_url_are_one_cluster_whatever_their_dates(tmp_path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    url = "https://news.example.net/story/quasar-leak"
    _post(posts, "2026-01-10-quasar.md", "Quasar leak exposes VPN accounts", "2026-01-10", url)
    _post(posts, "2026-08-01-quasar-again.md", "Un autre résumé de la fuite", "2026-08-01", url + "?utm_source=rss")
    _post(posts, "2026-08-02-other.md", "Something else entirely happened", "2026-08-02", "https://news.example.net/x")
    store = open_store(tmp_path / "db.sqlite")
    index_archive(store, posts)
    by_file = dict(store.db.execute("SELECT file, id FROM entries"))
    first, second = by_file["2026-01-10-quasar.md"], by_file["2026-08-01-quasar-again.md"]
    assert [e.id for e in store.related(first)] == [second]
    assert [e.id for e in store.related(second)] == [first]
    assert store.related(by_file["2026-08-02-other.md"]) == []
    assert store.cluster_ids(second) == [first, second]  # oldest first


def test_a_patch_tuesday_roundup_naming_80_cves_chains_nothing(tmp_path) -> None:
    store, alpha, beta = _store(tmp_path)
    cves = [f"CVE-2026-{2000 + n}" for n in range(80)]
    roundup = "Fixed this month: " + ", ".join(cves)
    stories = [
        _dated(f"s{n}", f"{name} flaw exploited in the wild", n * 1.0, f"Exploited: {cves[n * 7]}.")
        for n, name in enumerate(["Helios", "Kestrel", "Umbra", "Vantage", "Zephyr"])
    ]
    store_fetch(
        store, alpha, status="ok", items=[_dated("roundup", "Monthly security updates", 0.5, roundup), *stories]
    )
    store_fetch(store, beta, status="ok", items=[_dated("roundup2", "The month's patches, all of them", 1, roundup)])
    assert _related(store, "roundup") == {_id(store, "roundup2")}  # the same 80: the same story
    for n in range(5):
        assert _related(store, f"s{n}") == set()
    assert max(len(group) for group in _partition(store)) == 2


def test_a_chain_of_links_is_not_one_story(tmp_path) -> None:
    """a names 3001, b 3001 and 3002, c 3002: c is linked to b, not to a, the story's first entry,
    nor to more than half of it (issue 20: links do not chain)."""
    store, alpha, beta = _store(tmp_path)
    store_fetch(store, alpha, status="ok", items=[_dated("a", "Orion VPN flaw exploited", 0, "CVE-2026-3001")])
    store_fetch(
        store, beta, status="ok", items=[_dated("b", "Orion VPN flaws: the two bugs", 3, "CVE-2026-3001 CVE-2026-3002")]
    )
    store_fetch(store, alpha, status="ok", items=[_dated("c", "Orion VPN second flaw patched", 6, "CVE-2026-3002")])
    a, b, c = _id(store, "a"), _id(store, "b"), _id(store, "c")
    assert store.cluster_ids(a) == [a, b] and store.cluster_ids(c) == [c]


def test_a_story_whose_first_entry_goes_is_split_again(tmp_path) -> None:
    store, alpha, beta = _store(tmp_path)
    store_fetch(
        store,
        alpha,
        status="ok",
        items=[_dated("a", "Orion VPN flaws: the two bugs", 0, "CVE-2026-3001 CVE-2026-3002")],
    )
    store_fetch(store, beta, status="ok", items=[_dated("b", "Orion VPN flaw exploited", 3, "CVE-2026-3001")])
    store_fetch(store, alpha, status="ok", items=[_dated("c", "Orion VPN second flaw patched", 6, "CVE-2026-3002")])
    a, b, c = _id(store, "a"), _id(store, "b"), _id(store, "c")
    assert store.cluster_ids(c) == [a, b, c]  # b and c are linked to a, the first
    with store.transaction():
        store.db.execute("DELETE FROM items WHERE entry_id = ?", (a,))
        store.db.execute("DELETE FROM entries WHERE id = ?", (a,))
    store_fetch(store, beta, status="ok", items=[_dated("d", "Unrelated news of the day", 7)])
    assert store.cluster_ids(b) == [b] and store.cluster_ids(c) == [c]


def test_the_clusters_kept_batch_by_batch_are_those_of_a_full_recompute(tmp_path) -> None:
    store, alpha, beta = _store(tmp_path)
    rng = random.Random(10)
    products = ["Helios", "Kestrel", "Umbra", "Vantage", "Zephyr", "Orion", "Lynx", "Quasar"]
    verbs = ["patches", "warns of", "fixes", "confirms attacks on"]
    for batch in range(12):
        items = []
        for n in range(15):
            key = f"{batch}-{n}"
            product = rng.choice(products)
            cves = " ".join(f"CVE-2026-{rng.randrange(4000, 4040)}" for _ in range(rng.choice([0, 1, 1, 2, 3])))
            title = f"{product} {rng.choice(verbs)} {rng.choice(['gateway', 'router', 'VPN'])} flaw {rng.randrange(3)}"
            items.append(_dated(key, title, batch * 1.5 + rng.random() * 4, cves))
        if batch == 6:  # an item seen before comes back with another title and other CVE ids
            items.append(_dated("2-3", "Completely different headline now", 3, "CVE-2026-4999"))
        store_fetch(store, alpha if batch % 2 else beta, status="ok", items=items)
        if batch == 8:  # an entry goes (a prune, a fold)
            gone = _id(store, "5-5")
            with store.transaction():
                store.db.execute("DELETE FROM items WHERE entry_id = ?", (gone,))
                store.db.execute("DELETE FROM entries WHERE id = ?", (gone,))
    kept = _clusters(store)
    assert len(kept) == store.count("")
    assert any(len(group) > 2 for group in _partition(store))  # the fixture does make clusters
    enrich.recompute_clusters(store)
    assert _clusters(store) == kept


def test_the_clusters_are_recomputed_once_when_the_rules_change(tmp_path) -> None:
    store, alpha, beta = _store(tmp_path)
    store_fetch(store, alpha, status="ok", items=[_dated("a", "Acme gateway flaw under attack", 0, "CVE-2026-1001")])
    store_fetch(store, beta, status="ok", items=[_dated("b", "Acme gateways: patch now", 1, "CVE-2026-1001")])
    with store.transaction():
        store.db.execute("DELETE FROM entry_clusters")
        store.db.execute("UPDATE meta SET value = 'older rules' WHERE key = 'cluster_rules'")
    store.close()
    store = open_store(tmp_path / "db.sqlite")
    assert _related(store, "a") == {_id(store, "b")}


def test_an_entry_written_again_finds_a_later_entry_of_the_same_second(tmp_path) -> None:
    store, alpha, beta = _store(tmp_path)
    store_fetch(store, alpha, status="ok", items=[_dated("a", "Quasar leak exposes VPN accounts of banks", 0)])
    store_fetch(store, beta, status="ok", items=[_dated("b", "Quasar leak exposes the VPN accounts of banks", 0)])
    a, b = _id(store, "a"), _id(store, "b")
    assert a < b and store.cluster_ids(a) == [a, b]
    # a's title changes (the feed edited it): a is written again, b (same second, a larger id) is not
    store_fetch(store, alpha, status="ok", items=[_dated("a", "Quasar leak exposes VPN accounts of many banks", 0)])
    assert store.cluster_ids(a) == [a, b]


def test_a_hidden_entry_is_no_related_story(tmp_path) -> None:
    from veille_tui.core.models import Rule

    store = open_store(tmp_path / "db.sqlite", rules=[Rule(query="feed:beta", hide=True, position=1)])
    store.sync_feeds(
        [
            Feed("https://alpha.example.net/rss", "Alpha News", ("alpha",)),
            Feed("https://beta.example.net/rss", "Beta Wire", ("beta",)),
        ]
    )
    feeds = {s.title: s.id for s in store.feed_states()}
    store_fetch(store, feeds["Alpha News"], status="ok", items=[_dated("a", "Acme gateway flaw", 0, "CVE-2026-1001")])
    store_fetch(store, feeds["Beta Wire"], status="ok", items=[_dated("b", "Acme gateway: patch", 1, "CVE-2026-1001")])
    a, b = _id(store, "a"), _id(store, "b")
    assert _clusters(store)[a] == _clusters(store)[b]  # one story, in the table
    assert store.related(a) == [] and store.cluster_ids(a) == [a]  # but b is hidden


def test_a_fetch_clusters_once_at_its_end_and_a_killed_one_is_taken_by_the_next(tmp_path) -> None:
    """Inside `clusters_deferred` (a fetch) the feeds' batches only note their entries; the one pass
    at the block's end gives the clusters the batches would have given one by one."""
    store, alpha, beta = _store(tmp_path)
    with enrich.clusters_deferred(store):
        store_fetch(
            store, alpha, status="ok", items=[_dated("a", "Acme gateway flaw under attack", 0, "CVE-2026-1001")]
        )
        store_fetch(
            store, beta, status="ok", items=[_dated("b", "Patch now: Acme gateways", 2, "Fixed: CVE-2026-1001.")]
        )
        assert _clusters(store) == {}  # not yet: noted
        assert store.db.execute("SELECT count(*) FROM clusters_pending").fetchone()[0] == 2
    assert _related(store, "a") == {_id(store, "b")}
    assert store.db.execute("SELECT count(*) FROM clusters_pending").fetchone()[0] == 0

    # a fetch killed before its end leaves its entries noted; the next fetch's end takes them
    try:
        with enrich.clusters_deferred(store):
            store_fetch(
                store, alpha, status="ok", items=[_dated("c", "Acme gateway flaw: more victims", 3, "CVE-2026-1001")]
            )
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert _related(store, "c") == set()
    with enrich.clusters_deferred(store):
        pass
    assert _related(store, "c") == {_id(store, "a"), _id(store, "b")}
    reference = _partition(store)
    enrich.recompute_clusters(store)
    assert _partition(store) == reference


def _rows(store: Store) -> list[tuple[int, int, int, str]]:
    return store.db.execute(
        "SELECT entry_id, cluster, component, words FROM entry_clusters ORDER BY entry_id"
    ).fetchall()


def test_the_pass_in_chunks_gives_what_one_pass_gives(tmp_path, monkeypatch, caplog) -> None:
    """The end-of-fetch pass compares its entries with their windows a chunk at a time (memory): a
    chunk of 7, 40 or 1,000 entries gives the rows one pass gives, and those a full recompute gives,
    and so does the pass whose chunks are shared with a forked helper process.
    The entries: some clustered before the fetch, the fetch's new ones (pairs across chunks by
    title, by CVE id, by link), one whose title it changed, one deleted."""
    from veille_tui.core.enrich import clusters
    from veille_tui.core.enrich.batch import Batch

    store, alpha, beta = _store(tmp_path)
    rng = random.Random(22)
    products = ["Helios", "Kestrel", "Umbra", "Vantage", "Zephyr", "Orion"]
    verbs = ["patches", "warns of", "fixes", "confirms attacks on"]

    def items(prefix: str, count: int, start: float) -> list[Item]:
        found = []
        for n in range(count):
            product = rng.choice(products)
            cves = " ".join(f"CVE-2026-{rng.randrange(5000, 5030)}" for _ in range(rng.choice([0, 0, 1, 2])))
            title = f"{product} {rng.choice(verbs)} {rng.choice(['gateway', 'router', 'VPN'])} flaw {rng.randrange(3)}"
            link = f"https://stories.example.net/{rng.randrange(60)}" if rng.random() < 0.3 else None
            found.append(_dated(f"{prefix}{n}", title, start + rng.random() * 6, cves, link))
        return found

    zebra = "Zebra quantum firmware backdoor disclosed by researchers today"
    # clustered as they come; "late" (the latest entry) retitled by the fetch: a pass that read its
    # old title words would pair it with the fetch's zebra stories
    store_fetch(store, alpha, status="ok", items=[*items("old", 40, 0), _dated("late", zebra, 9.9)])
    try:
        with enrich.clusters_deferred(store):  # a fetch killed before its end: its entries wait
            zebras = [_dated(f"zebra{n}", zebra, 7.5 + n * 0.3) for n in range(8)]
            store_fetch(store, beta, status="ok", items=[*items("new", 60, 2), *zebras])
            retitled = [_dated("old3", "Another title", 3), _dated("late", "Nothing alike at all", 9.9)]
            store_fetch(store, alpha, status="ok", items=[*items("more", 40, 4), *retitled])
            gone = _id(store, "old5")
            store.db.execute("DELETE FROM items WHERE entry_id = ?", (gone,))
            store.db.execute("DELETE FROM entries WHERE id = ?", (gone,))
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    pending = store.existing_ids(store.clusters_pending())
    assert len(pending) > 90 and {_id(store, "old3"), _id(store, "late")} <= set(pending)  # and the new entries
    found = {}
    for size in (1_000, 40, 7):
        store.db.execute("BEGIN IMMEDIATE")
        try:
            clusters.step(Batch(store, pending), chunk_size=size)
            found[size] = _rows(store)
        finally:
            store.db.execute("ROLLBACK")
    assert found[7] == found[40] == found[1_000]
    assert len(found[7]) == store.count("")
    assert sum(1 for entry_id, cluster, *_ in found[7] if entry_id != cluster) > 20  # it does make clusters
    # shared with a forked helper (a fetch from the command line): the same rows; this process
    # compared every other chunk only (the helper, the others: no fallback here)
    here: list[int] = []
    alone = clusters._batch_pairs

    def spied(*args, **kwargs):
        here.extend(kwargs.get("starts") or args[5])
        return alone(*args, **kwargs)

    monkeypatch.setattr(clusters, "_batch_pairs", spied)
    with caplog.at_level(logging.WARNING), store.transaction():
        clusters.step(Batch(store, pending), chunk_size=7, fork=True)
    assert _rows(store) == found[7]
    assert here == list(range(0, len(pending), 14)) and not caplog.records
    monkeypatch.setattr(clusters, "_batch_pairs", alone)

    def broken(*args, **kwargs):  # the helper fails (inherited by the forked process)
        raise RuntimeError("the helper died")

    monkeypatch.setattr(clusters, "_pairs_of_chunks", broken)
    with caplog.at_level(logging.WARNING), store.transaction():
        clusters.step(Batch(store, pending), chunk_size=7, fork=True)
    assert _rows(store) == found[7]  # its chunks done here
    assert any("helper process failed" in r.getMessage() for r in caplog.records)
    with store.transaction():
        clusters.step(Batch(store, pending), chunk_size=7)
    enrich.recompute_clusters(store)
    assert _rows(store) == found[7]

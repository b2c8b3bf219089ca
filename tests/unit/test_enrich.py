"""The enrich pass: the steps run once per write batch over the ids written, their tags join the
entries' own after them, a changed entry is enriched again, and a new step needs no store code."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from veille_tui.core import enrich
from veille_tui.core.models import Feed, FullText, Item
from veille_tui.core.store import Store
from veille_tui.core.text import CVE_RE, find_cves
from veille_tui.core.update import full_text_stored, open_store, store_fetch


def _item(n: int, summary: str, title: str | None = None) -> Item:
    return Item(
        guid=f"g{n}",
        link=f"https://news.example.net/{n}",
        title=title or f"Story {n}",
        date="2026-07-25T00:00:00+00:00",
        ts=1_785_000_000 + n,
        summary=summary,
    )


def _store(tmp_path, watch: Sequence[str] = ()) -> tuple[Store, int]:
    store = open_store(tmp_path / "db.sqlite", watch=watch)
    store.sync_feeds([Feed("https://feeds.example.net/rss", "Example", ("news",))])
    return store, store.feed_states()[0].id


def test_derived_tags_follow_the_entry_own_in_step_order(tmp_path) -> None:
    store, feed = _store(tmp_path, watch=["ivanti"])
    store_fetch(store, feed, status="ok", items=[_item(1, "Ivanti fixes CVE-2026-1001 and cve-2026-1002")])
    (entry,) = store.entries("", limit=0)
    assert entry.cves == ("CVE-2026-1001", "CVE-2026-1002")
    assert entry.tags == ("news", "cve", "watch")


def test_a_step_sees_only_the_ids_of_its_batch(tmp_path) -> None:
    store, feed = _store(tmp_path)
    store_fetch(store, feed, status="ok", items=[_item(1, "one"), _item(2, "two"), _item(3, "three")])
    ids = store.entry_ids("")
    seen: list[list[int]] = []

    def spy(batch: enrich.Batch) -> Mapping[int, Sequence[str]]:
        seen.append(list(batch.ids))
        return {}

    with store.transaction():
        enrich.enrich(store, ids[:2], steps=(spy,))
    assert len(seen) == 1 and sorted(seen[0]) == sorted(ids[:2])


def test_a_custom_step_through_the_pass(tmp_path) -> None:
    store, feed = _store(tmp_path)
    store_fetch(store, feed, status="ok", items=[_item(1, "CVE-2026-2001 exploited"), _item(2, "quiet")])
    ids = store.entry_ids("")
    db: sqlite3.Connection = store.db

    def loud(batch: enrich.Batch) -> Mapping[int, Sequence[str]]:
        return {i: ("exploited",) for i, text in batch.texts().items() if "exploited" in text.body}

    with store.transaction():
        enrich.enrich(store, ids, steps=(*enrich.STEPS, loud))
    assert store.count("+exploited") == 1
    assert store.entries("+exploited")[0].tags == ("news", "cve", "exploited")
    assert store.count("+cve") == 1  # the CVE step ran again without doubling anything
    assert db.execute("SELECT count(*) FROM entry_cves").fetchone()[0] == 1


def test_an_entry_that_loses_its_cve_loses_the_tag(tmp_path) -> None:
    store, feed = _store(tmp_path)
    store_fetch(store, feed, status="ok", items=[_item(1, "CVE-2026-3001")])
    assert store.count("cve:CVE-2026-3001") == 1
    store_fetch(store, feed, status="ok", items=[_item(1, "the advisory was withdrawn")])
    assert store.count("cve:CVE-2026-3001") == 0
    assert store.count("+cve") == 0


def test_ids_gone_within_the_batch_are_skipped(tmp_path) -> None:
    store, feed = _store(tmp_path)
    store_fetch(store, feed, status="ok", items=[_item(1, "CVE-2026-4001")])
    with store.transaction():
        enrich.enrich(store, [*store.entry_ids(""), 999_999])  # no such entry: no error, no row
    assert store.db.execute("SELECT count(*) FROM entry_tags WHERE entry_id = 999999").fetchone()[0] == 0


def test_cve_ids_written_against_cjk_text_are_found(tmp_path) -> None:
    # CJK letters are word characters: a `\b` boundary never falls between them and "CVE"
    assert find_cves("攻击者利用漏洞CVE-2031-0001进行远程执行") == ["CVE-2031-0001"]
    assert find_cves("（CVE-2031-0002等）と CVE-2031-0003の修正") == ["CVE-2031-0002", "CVE-2031-0003"]
    assert find_cves("see_CVE-2031-0004_poc, cve-2031-0005.") == ["CVE-2031-0004", "CVE-2031-0005"]
    # an ASCII letter or digit on either side is part of another word
    assert find_cves("XCVE-2031-0006 CVE-2031-00071234 CVE-2031-0008a") == []
    store, feed = _store(tmp_path)
    store_fetch(store, feed, status="ok", items=[_item(1, "修补了漏洞CVE-2031-0009，请尽快更新", title="安全公告")])
    assert store.count("cve:CVE-2031-0009") == 1
    assert store.count("+cve") == 1


def test_the_article_highlights_cve_ids_against_cjk_text() -> None:
    assert [m.group(0) for m in CVE_RE.finditer("漏洞CVE-2031-0001进行，cve-2031-0002等")] == [
        "CVE-2031-0001",
        "cve-2031-0002",
    ]


def _linked(n: int, title: str, summary: str) -> Item:
    return Item(
        guid=f"w{n}",
        link=f"https://vendor-news.example.org/advisory/acme-psirt-{n}",
        title=title,
        date="2026-07-25T00:00:00+00:00",
        ts=1_785_000_000 + n,
        summary=summary,
    )


def test_watch_terms_match_what_the_reader_reads_not_link_urls(tmp_path) -> None:
    store, feed = _store(tmp_path, watch=["acme", "gateway"])
    store_fetch(
        store,
        feed,
        status="ok",
        items=[
            # the term is only in link targets and a bare URL: not read, no match
            _linked(
                1,
                "Weekly advisory roundup",
                "[Read the bulletin](https://psirt.example.org/acme-psirt-8) and https://acme.example.org/x",
            ),
            # in the link's text and the title: read
            _linked(2, "Gateway flaw", "[Acme bulletin](https://psirt.example.org/b-9) out."),
        ],
    )
    ids = {e.title: e.id for e in store.entries("", limit=0)}
    assert store.count("+watch") == 1
    quiet, loud = store.entry(ids["Weekly advisory roundup"]), store.entry(ids["Gateway flaw"])
    assert quiet is not None and quiet.watch_terms == () and "watch" not in quiet.tags
    assert loud is not None and loud.watch_terms == ("acme", "gateway")
    assert loud.watch_where == (("text",), ("title",))
    assert loud.watch_line() == "acme (text), gateway (title)"


def test_watch_terms_are_looked_for_in_the_stored_full_text(tmp_path) -> None:
    store, feed = _store(tmp_path, watch=["routeur"])
    store_fetch(store, feed, status="ok", items=[_linked(3, "Monthly patches", "Many fixes.")])
    (entry_id,) = store.entry_ids()
    assert store.count("+watch") == 0
    page = "The Routeur X200 is affected."
    store.save_full_text(entry_id, FullText("Monthly patches", page, page, 5, "https://vendor-news.example.org/a"))
    full_text_stored(store, entry_id)
    entry = store.entry(entry_id)
    assert entry is not None and entry.watch_terms == ("routeur",) and entry.watch_where == (("full text",),)
    assert "watch" in entry.tags and store.count("+watch") == 1
    # a new watch list is matched against full texts too
    store.close()
    again = open_store(tmp_path / "db.sqlite", watch=["x200", "acme"])
    entry = again.entry(entry_id)
    assert entry is not None and entry.watch_terms == ("x200",) and entry.watch_line() == "x200 (full text)"

"""Indicators of compromise: extraction scored on our labelled set, defanged forms both ways,
hostile input bounded, and the IOC step through a real store (entry_iocs, the `ioc` tag, the
query terms `ioc:` and `has:ioc`, a full text stored later)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from veille_tui.core.errors import QueryError
from veille_tui.core.iocs import MAX_CHARS, defang, extract, refang, site_of
from veille_tui.core.iocs.defang import normalise
from veille_tui.core.models import Feed, FullText, Item
from veille_tui.core.query import parse
from veille_tui.core.update import full_text_stored, open_store, store_fetch

DATA = Path(__file__).resolve().parent.parent / "data" / "iocs"


def _scores() -> dict[str, list[int]]:
    counts: dict[str, list[int]] = {}
    for name, label in json.loads((DATA / "labels.json").read_text()).items():
        got = extract((DATA / name).read_text(), own=site_of(label["link"]))
        for kind in set(got) | set(label["iocs"]):
            want, have = set(label["iocs"].get(kind, [])), set(got.get(kind, []))
            c = counts.setdefault(kind, [0, 0, 0])
            c[0] += len(want & have)
            c[1] += len(have - want)
            c[2] += len(want - have)
    return counts


def test_the_labelled_set_meets_the_targets() -> None:
    for kind, (tp, fp, fn) in _scores().items():
        f1 = 2 * tp / (2 * tp + fp + fn)
        assert f1 >= (0.98 if kind in {"md5", "sha1", "sha256", "sha512"} else 0.90), (kind, tp, fp, fn)


def test_defanged_forms_are_read_and_stored_plain() -> None:
    found = extract("C2: evil-host[.]com, hxxps://bad-site[.]net/a?b=1 and 45.61.136[.]13, ops[at]evil-host[.]com")
    assert found == {
        "ipv4": ["45.61.136.13"],
        "domain": ["bad-site.net", "evil-host.com"],
        "url": ["https://bad-site.net/a?b=1"],
        "email": ["ops@evil-host.com"],
    }


def test_what_is_not_an_indicator() -> None:
    text = (
        "FortiOS 7.2.5.1 fixes it; see readme.md and install.sh, 10.0.0.1, 192.0.2.7, 2001:db8::1, "
        "https://www.microsoft.com/x, user@example.com, https://news.example-site.org/post and 8.8.8.8"
    )
    assert extract(text, own="example-site.org") == {}


def test_shown_defanged_and_read_back_either_way() -> None:
    assert defang("url", "https://evil.com/a.b") == "hxxps[://]evil[.]com/a.b"
    assert defang("ipv4", "1.2.3.4") == "1.2.3[.]4"
    assert defang("email", "a@b.evil.com") == "a[@]b[.]evil[.]com"
    assert defang("sha256", "ab" * 32) == "ab" * 32
    for kind, value in [
        ("url", "https://evil.com/a.b"),
        ("domain", "evil.com"),
        ("email", "a@b.com"),
        ("ipv4", "1.2.3.4"),
    ]:
        assert normalise(defang(kind, value)) == value
    assert refang("hxxp[:]//bad[.]org") == "http://bad.org"


def test_hostile_input_is_bounded_and_cleaned() -> None:
    late = "x " * MAX_CHARS + "evil-late[.]com"
    assert extract(late) == {}  # past the cap: not looked at
    found = extract("hxxps://bad-site[.]net/a\x1b[31m\u202eb and hxxps://bad-site[.]net/<script>")
    assert all(ord(c) >= 0x21 and c not in "\u202e<>" for url in found["url"] for c in url)
    hashes = "\n".join(f"{i:064x}" for i in range(10**6, 10**6 + 50_000))
    assert len(extract(hashes)["sha256"]) <= 2_000


def test_ioc_query_terms() -> None:
    assert parse("ioc:Evil[.]COM").iocs == ("evil.com",)
    assert "has:ioc" in parse("has:ioc").flags
    with pytest.raises(QueryError):
        parse("ioc:")


def _item(n: int, summary: str) -> Item:
    return Item(
        guid=f"g{n}",
        link=f"https://news.reporter-site.net/{n}",
        title=f"Story {n}",
        date="2026-07-25T00:00:00+00:00",
        ts=1_785_000_000 + n,
        summary=summary,
    )


def test_the_step_stores_what_entries_name(tmp_path) -> None:
    store = open_store(tmp_path / "db.sqlite")
    store.sync_feeds([Feed("https://feeds.reporter-site.net/rss", "Example", ("news",))])
    feed = store.feed_states()[0].id
    items = [_item(1, "C2 at update-check[.]net, see https://news.reporter-site.net/other"), _item(2, "quiet")]
    store_fetch(store, feed, status="ok", items=items)
    (entry_id,) = store.entry_ids("has:ioc")
    assert store.entry_ids("ioc:update-check.net") == [entry_id] == store.entry_ids("ioc:update-check[.]net")
    assert [tuple(r) for r in store.entry_iocs(entry_id)] == [("domain", "update-check.net", "summary")]
    assert "ioc" in store.entries("+ioc", limit=0)[0].tags
    # the item changes: what it named goes
    store_fetch(store, feed, status="ok", items=[_item(1, "C2 moved to other-c2[.]org")])
    assert [r.value for r in store.entry_iocs(entry_id)] == ["other-c2.org"]
    # a full text stored later adds what it names, with where it was seen
    page = FullText(title="t", markdown="m", text="also other-c2[.]org and 45.61.136[.]13", words=5, source="x")
    store.save_full_text(entry_id, page)
    full_text_stored(store, entry_id)
    assert [tuple(r) for r in store.entry_iocs(entry_id)] == [
        ("domain", "other-c2.org", "summary fulltext"),
        ("ipv4", "45.61.136.13", "fulltext"),
    ]


def test_an_older_database_gets_its_indicators_when_opened(tmp_path) -> None:
    store = open_store(tmp_path / "db.sqlite")
    store.sync_feeds([Feed("https://feeds.reporter-site.net/rss", "Example", ("news",))])
    store_fetch(store, store.feed_states()[0].id, status="ok", items=[_item(1, "C2 at update-check[.]net")])
    with store.transaction():
        store.db.execute("DELETE FROM entry_iocs")
        store.set_derived_key("iocs", "0")
    store.close()
    again = open_store(tmp_path / "db.sqlite")
    assert len(again.entry_ids("ioc:update-check.net")) == 1


def test_the_info_block_lists_them_defanged() -> None:
    from rich.style import Style

    from veille_tui.core.models import Ioc
    from veille_tui.tui.widgets.article_header import IOC_LINES, ioc_lines

    iocs = [Ioc("domain", f"c2-{i}.evil.com") for i in range(IOC_LINES + 3)]
    lines = [line.plain for line in ioc_lines(iocs, lambda _name: Style())]
    assert lines[0] == "domain  c2-0[.]evil[.]com"
    assert not any("c2-0.evil.com" in line for line in lines)
    assert lines[-1] == "… and 3 more indicators"

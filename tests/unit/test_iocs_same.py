"""The indicators found do not move when the extraction gets faster (issue 22): what it finds on
our labelled texts, on generated texts full of near-indicators, and on the real archive (when it
is here), against what it found before (tests/data/iocs/same.json, written by the extraction as
it was before issue 22's changes). The archive is kept there as a count and a digest only."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import REAL_ARCHIVE

from veille_tui.core.iocs import extract, extract_many, site_of
from veille_tui.core.iocs.extract import _SAYS, _SAYS_BY, _tlds

DATA = Path(__file__).resolve().parent.parent / "data" / "iocs"
SAME = json.loads((DATA / "same.json").read_text())

# the pieces of the generated texts: indicators plain and defanged, near misses (versions, file
# names, colons, hex runs), the words that say a text names indicators, escapes, wide characters
PIECES = [
    "evil[.]com", "a@b.com", "x [at] y[.]org", "user(at)host(dot)ru", "1.2.3[.]4", "185.220.101.4", "2001:db8::1",
    "fe80::1:2", "2a03:2880:f12f:83:face:b00c::25de", "::ffff:1.2.3.4", "a:b:c", "12:30:45", "hxxps://bad[.]site/x?y=1",
    "http://good.example.com/a", "d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "deadbeefcafebabedeadbeefcafebabe",
    "version 1.2.3.4", "FortiOS 7.2.5.1", "readme.md", "main.py", "ioc", "IOCs:", "C2", "c&c", "beacon", "sender",
    "expéditeur", "Indicateurs de compromission", "%2Fevil.com", "ASP.NET", "foo.bar.baz", "[.]", "(.)", "{dot}", "[dot]",
    "hXXp://x[.]y", "é", "’", "\u2028", "\x1b[31mbad[.]com", "mailto:a@b.io", "[Source](https://news.reporter.net/x.html)",
    "(`vlc.exe`,", "*handala[.]to*", "192.168.1.1", "8.8.8.8", "45.148.10[.]212", "v1.2.3.4", "test@example.com",
    "admin@evil-domain.xyz", "a" * 40, "0" * 64, "1234567890abcdef" * 2, "ABCDEF0123456789" * 4, "xn--80ak6aa92e.com",
    "bad.zip", "evil.top", "http://[1.2.3.4]/x", "10.0.0[.]1", "a[@]b[.]cc", " at ", "[at]", "(@)", "::", ":::", "fe80:",
    "\n", "\n\n", " ", ". ", "localhost", "t.me/x", "block these", "command-and-control", "c2-7[.]net",
]  # fmt: skip
WORDS = "the attackers used a loader to reach network and vendor said patch is out now le la de des".split()
OWNS = ["", "evil.com", "example-feed.net", "reporter.net"]


def generated(count: int = 600) -> list[tuple[str, str]]:
    rng = random.Random(22)
    texts = []
    for _ in range(count):
        n = rng.randint(1, 60)
        parts = [rng.choice(PIECES) if rng.random() < 0.3 else rng.choice(WORDS) for _ in range(n)]
        seps = [rng.choice([" ", " ", " ", "\n", ", ", "", "`"]) for _ in range(n)]
        texts.append(("".join(p + s for p, s in zip(parts, seps, strict=True)), rng.choice(OWNS)))
    return texts


def digest(rows: list[Any]) -> str:
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def labelled() -> dict[str, dict[str, list[str]]]:
    links = {name: label["link"] for name, label in json.loads((DATA / "labels.json").read_text()).items()}
    return {name: extract((DATA / name).read_text(), own=site_of(link)) for name, link in sorted(links.items())}


def test_the_labelled_texts_give_what_they_gave() -> None:
    assert labelled() == SAME["labelled"]


def test_generated_texts_give_what_they_gave_alone_and_together() -> None:
    texts = generated()
    together = extract_many(texts)
    assert digest(together) == SAME["generated"]
    assert [extract(text, own=own) for text, own in texts[:150]] == together[:150]
    assert sum(1 for found in together if found) > 300  # the texts do name indicators


@pytest.mark.skipif(not REAL_ARCHIVE.is_dir(), reason="the real archive (../shared/archive/_posts) is not here")
def test_the_real_archive_gives_what_it_gave(tmp_path) -> None:
    from veille_tui.core.archive.indexer import index_archive
    from veille_tui.core.update import open_store

    store = open_store(tmp_path / "db.sqlite")
    index_archive(store, REAL_ARCHIVE)
    rows = store.db.execute(
        "SELECT e.file, i.type, i.value, i.seen_in FROM entry_iocs i JOIN entries e ON e.id = i.entry_id ORDER BY 1, 2, 3"
    ).fetchall()
    store.close()
    assert (len(rows), digest([list(row) for row in rows])) == (SAME["archive"]["rows"], SAME["archive"]["digest"])


def test_the_domain_list_is_the_librarys() -> None:
    from iocsearcher.searcher import Searcher

    assert _tlds() == frozenset(Searcher().tlds) and "com" in _tlds() and len(_tlds()) > 1000


def test_the_words_are_grouped_by_pieces_they_hold() -> None:
    assert sorted(word for _, words in _SAYS_BY for word in words) == sorted(_SAYS)
    assert all(piece in word for piece, words in _SAYS_BY for word in words)


def test_work_done_ahead_is_what_the_step_finds_and_taken_only_for_its_text_and_site(tmp_path) -> None:
    from veille_tui.core import enrich
    from veille_tui.core.enrich import cves as cves_step
    from veille_tui.core.enrich import iocs as iocs_step
    from veille_tui.core.models import Feed, FullText, Item
    from veille_tui.core.update import full_text_stored, open_store, store_fetch

    store = open_store(tmp_path / "db.sqlite")
    store.sync_feeds([Feed("https://feeds.reporter.net/rss", "Example", ())])
    texts = generated(40)
    items = [
        Item(
            guid=f"g{n}",
            link=f"https://reporter.net/{n}",
            title=f"C2 n{n}[.]com, CVE-2026-{1000 + n}",
            date="2026-07-25",
            ts=n,
            summary=text,
        )
        for n, (text, _) in enumerate(texts)
    ]
    store_fetch(store, store.feed_states()[0].id, status="ok", items=items)
    ids = store.entry_ids("")
    page = FullText(title="t", markdown="m", text="IOCs: page-only[.]net and n3[.]com", words=5, source="x")
    store.save_full_text(ids[3], page)
    full_text_stored(store, ids[3])

    def stored() -> dict[int, list[tuple[str, str, str]]]:
        return {i: [(row[0], row[1], row[2]) for row in store.entry_iocs(i)] for i in ids}

    def cves() -> list[tuple[int, str]]:
        return [(int(i), str(cve)) for i, cve in store.db.execute("SELECT entry_id, cve FROM entry_cves ORDER BY 1, 2")]

    before, cves_before = stored(), cves()  # found by the steps alone
    assert sum(1 for rows in before.values() if rows) > 20 and ("domain", "page-only.net", "fulltext") in before[ids[3]]
    known, links = store.entry_texts(ids), store.entry_links(ids)
    ahead = enrich.ahead([(known[i].title, known[i].body, links[i]) for i in ids])
    first, second = known[ids[0]], known[ids[1]]
    planted = {("domain", "planted.com"): ["title"]}
    ahead[(second.title, second.body)] = enrich.Ahead(
        "https://another.site/", planted, ahead[(second.title, second.body)].cves
    )

    def again() -> dict[int, list[tuple[str, str, str]]]:
        with store.transaction():
            store.db.execute("DELETE FROM entry_iocs")
            store.db.execute("DELETE FROM entry_cves")
            enrich.enrich(store, ids, steps=(cves_step.step, iocs_step.step), ahead=ahead)
        return stored()

    assert again() == before and cves() == cves_before  # the second's, found for another link: not taken
    assert len(cves_before) == 40
    ahead[(first.title, first.body)] = enrich.Ahead(links[ids[0]], planted, ["CVE-2099-0001"])  # taken as found
    assert again()[ids[0]] == [("domain", "planted.com", "title")]
    assert (ids[0], "CVE-2099-0001") in cves()
    store.close()

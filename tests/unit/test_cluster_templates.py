"""Clusters never chain unrelated stories (issue 20, item 4): templated advisories (one title
template said of many vendors, as CERT-FR and vendor advisories are) from two sources, each
(template, vendor) its own CVE id, the same vendor and CVE told by both. Every cluster holds one
vendor and one CVE id, at least 90% of the two-source pairs are one story, and the clusters kept
batch by batch are those of a full recompute. The generator is ours: made-up vendors, products
and CVE ids."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

from veille_tui.core import enrich
from veille_tui.core.enrich.cluster_rules import Node, renamed, title_names, title_words
from veille_tui.core.models import Feed, Item
from veille_tui.core.store import Store
from veille_tui.core.update import open_store, store_fetch

DAY = 86400
T0 = 1_785_000_000

VENDORS = [
    ("Helion", "NetGuard"),
    ("Kestrel", "VaultOS"),
    ("Umbral", "EdgeLink"),
    ("Vantor", "FlowDesk"),
    ("Zephra", "CloudPort"),
    ("Orionis", "SafeGate"),
    ("Lynxor", "DataHub"),
    ("Quasara", "MailCore"),
    ("Borealis", "WebShield"),
    ("Caldera", "PrintServ"),
    ("Dorado", "SyncBox"),
    ("Electra", "IdentityPro"),
    ("Fenwick", "LogStream"),
    ("Galvani", "SmartPanel"),
    ("Hyperion", "RouteMax"),
]

# (how the first source says it, how the second does): the same words mostly, as a CERT and the
# vendor's own advisory, or two newsrooms, write one advisory
TEMPLATES = [
    ("Multiple vulnerabilities in {v} {p} products", "Multiple vulnerabilities in {v} {p} products"),
    ("Critical remote code execution flaw in {v} {p} appliance", "Critical remote code execution flaw in {v} {p}"),
    (
        "{v} fixes authentication bypass in {p} management console",
        "Authentication bypass in {v} {p} management console",
    ),
    ("Security update for {v} {p}: privilege escalation fixed", "{v} {p} security update fixes privilege escalation"),
    ("Vulnerability in {v} {p} allows denial of service", "Vulnerability in {v} {p} allows a denial of service"),
    ("Exploited zero-day in {v} {p} added to the catalogue", "Zero-day in {v} {p} exploited in the wild"),
    ("{v} warns of SQL injection in {p} web interface", "SQL injection in the {v} {p} web interface"),
    ("Hardcoded credentials found in {v} {p} firmware", "Hardcoded credentials in {v} {p} firmware"),
    ("Path traversal vulnerability in {v} {p} file server", "{v} {p} file server path traversal vulnerability"),
    ("Cross-site scripting issues fixed in {v} {p} portal", "Cross-site scripting issues in {v} {p} portal fixed"),
]


class Told(NamedTuple):
    key: str
    vendor: str
    cve: str
    source: int  # 0 or 1


def generate(seed: int = 20) -> list[tuple[Item, Told]]:
    """Every (template, vendor) told by both sources within two days, its own CVE id named in the
    summary (and in the title, one time in three)."""
    rng = random.Random(seed)
    found = []
    for t, (first, second) in enumerate(TEMPLATES):
        for n, (vendor, product) in enumerate(VENDORS):
            cve = f"CVE-2026-{31000 + t * 100 + n}"
            start = rng.random() * DAY
            for source, template in enumerate((first, second)):
                title = template.format(v=vendor, p=product)
                if rng.random() < 1 / 3:
                    title += f" ({cve})"
                ts = int(T0 + start + source * rng.random() * DAY)
                key = f"s{source}-t{t}-v{n}"
                summary = f"The advisory for {vendor} {product} describes {cve}. Apply the update."
                item = Item(
                    guid=key,
                    link=f"https://source{source}.example.net/advisories/{key}",
                    title=title,
                    date=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts)),
                    ts=ts,
                    summary=summary,
                )
                found.append((item, Told(key, vendor, cve, source)))
    rng.shuffle(found)
    return found


def _store(tmp_path: Path) -> tuple[Store, list[int]]:
    store = open_store(tmp_path / "db.sqlite")
    store.sync_feeds([Feed("https://source0.example.net/rss", "CERT"), Feed("https://source1.example.net/rss", "Wire")])
    by_url = {s.url: s.id for s in store.feed_states()}
    return store, [by_url["https://source0.example.net/rss"], by_url["https://source1.example.net/rss"]]


def _fetch_in_batches(store: Store, feeds: list[int], told: list[tuple[Item, Told]], size: int) -> dict[str, int]:
    for start in range(0, len(told), size):
        chunk = told[start : start + size]
        for source in (0, 1):
            items = [item for item, t in chunk if t.source == source]
            if items:
                store_fetch(store, feeds[source], status="ok", items=items)
    return dict(store.db.execute("SELECT i.guid, i.entry_id FROM items i"))


def _clusters(store: Store) -> dict[int, int]:
    return dict(store.db.execute("SELECT entry_id, cluster FROM entry_clusters"))


def test_templated_advisories_of_two_sources_cluster_by_vendor_and_cve(tmp_path) -> None:
    told = generate()
    assert len(told) == 2 * len(TEMPLATES) * len(VENDORS) >= 300
    store, feeds = _store(tmp_path)
    ids = _fetch_in_batches(store, feeds, told, 25)
    by_id = {ids[t.key]: t for _item, t in told}
    cluster_of = _clusters(store)
    groups: dict[int, list[Told]] = defaultdict(list)
    for entry_id, cluster in cluster_of.items():
        groups[cluster].append(by_id[entry_id])
    for members in groups.values():
        assert len({t.vendor for t in members}) == 1, members
        assert len({t.cve for t in members}) == 1, members
    pairs = defaultdict(list)
    for _item, t in told:
        pairs[t.cve].append(ids[t.key])
    together = sum(1 for a, b in pairs.values() if cluster_of[a] == cluster_of[b])
    assert together >= 0.9 * len(pairs), f"{together} of {len(pairs)}"
    kept = cluster_of
    enrich.recompute_clusters(store)
    assert _clusters(store) == kept  # batch by batch = all at once
    store.close()


def test_templated_titles_without_cve_ids_do_not_join_across_vendors(tmp_path) -> None:
    """On titles alone: the same words but the vendor and product are two stories; the same
    advisory told by both sources (the same title) is one."""
    store, feeds = _store(tmp_path)
    template = "Critical remote code execution flaw in {v} {p} appliance"
    for source in (0, 1):
        items = [
            Item(
                guid=f"{source}-{n}",
                link=f"https://source{source}.example.net/{n}",
                title=template.format(v=vendor, p=product),
                date="2026-07-25T00:00:00+00:00",
                ts=T0 + n * 600 + source * 60,
                summary="",
            )
            for n, (vendor, product) in enumerate(VENDORS)
        ]
        store_fetch(store, feeds[source], status="ok", items=items)
    ids = dict(store.db.execute("SELECT guid, entry_id FROM items"))
    for n in range(len(VENDORS)):
        assert store.cluster_ids(ids[f"0-{n}"]) == [ids[f"0-{n}"], ids[f"1-{n}"]], VENDORS[n]


def test_a_chain_of_near_titles_is_not_one_story(tmp_path) -> None:
    """A≈B and B≈C, A and C far apart: C does not join A's story through B."""
    store = open_store(tmp_path / "db.sqlite")
    store.sync_feeds([Feed(f"https://s{n}.example.net/rss", f"S{n}") for n in range(3)])
    feeds = [s.id for s in sorted(store.feed_states(), key=lambda s: s.url)]
    titles = [
        "alpha bravo charlie delta echo foxtrot",
        "charlie delta echo foxtrot golf hotel",
        "echo foxtrot golf hotel india juliet",
    ]
    for n, title in enumerate(titles):
        ts = T0 + n * 3600
        date = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts))
        store_fetch(
            store,
            feeds[n],
            status="ok",
            items=[Item(guid=f"c{n}", link=f"https://x.example/{n}", title=title, date=date, ts=ts, summary="")],
        )
    ids = dict(store.db.execute("SELECT guid, entry_id FROM items"))
    a, b, c = ids["c0"], ids["c1"], ids["c2"]
    assert store.cluster_ids(a) == [a, b] and store.cluster_ids(c) == [c]


def _node(title: str, source: str = "a", cves: tuple[str, ...] = ()) -> Node:
    return Node(1, T0, source, "", cves, title_words(title), title)


def test_names_and_a_renamed_title() -> None:
    assert title_names("Multiple vulnerabilities in Cisco IOS XE products") == {"cisco", "ios", "xe"}
    assert title_names("Flaw In Cisco Routers Exploited By Hackers") == set()  # Title Case: capitals say nothing
    assert title_names("FortiOS 7.4 flaw exploited") == {"fortio"}
    assert renamed(
        _node("Multiple vulnerabilities in Cisco IOS XE"), _node("Multiple vulnerabilities in Juniper Junos")
    )
    assert not renamed(  # another word than a name differs: not a template said of two vendors
        _node("Critical flaw in Cisco IOS XE exploited"), _node("Critical flaw in Juniper Junos patched")
    )
    assert not renamed(
        _node("Multiple vulnerabilities in Cisco IOS XE"), _node("Multiple vulnerabilities in Cisco IOS")
    )


def test_the_title_pairs_are_those_of_comparing_every_pair() -> None:
    """The bit-set search of near-identical titles finds exactly the pairs that comparing every
    two titles within TITLE_DAYS with titles_match finds: small and large vocabularies (common
    words in bit sets, rare ones in lists), every node or some probes, times on the window's edge."""
    from veille_tui.core.enrich import cluster_rules
    from veille_tui.core.enrich.cluster_rules import DAY, MIN_WORDS, TITLE_DAYS, Node, titles_match

    rng = random.Random(7)
    for vocabulary, count, with_probes in ((12, 300, False), (12, 300, True), (3000, 700, True), (60, 900, False)):
        letters = "abcdefghijklmnopqrtuvwxyz"  # no s: no plural dropped; lower case: no names (renamed)
        words = ["q" + letters[n % 25] + letters[n // 25 % 25] + letters[n // 625] for n in range(vocabulary)]
        nodes: list[Node] = []
        for n in range(count):
            ts = rng.choice([0, TITLE_DAYS * DAY, rng.randrange(12 * DAY)])  # some exactly TITLE_DAYS apart
            pool = words[: rng.choice([10, vocabulary])]  # some titles from a few words only
            title = " ".join(rng.sample(pool, rng.randint(2, 9)))
            if nodes and rng.random() < 0.4:  # another's title, a word changed (rare words shared)
                told = rng.choice(nodes).title.split()
                told[rng.randrange(len(told))] = rng.choice(words)
                title = " ".join(told)
            node = Node(n, ts, rng.choice("ab"), "", (), cluster_rules.title_words(title), title)
            nodes.append(node)
        ordered = sorted(nodes, key=lambda node: (node.ts, node.id))
        probes = {node.id for node in nodes if rng.random() < 0.3} if with_probes else None
        found = {frozenset(pair) for pair in cluster_rules._title_pairs(ordered, probes)}
        expected = {
            frozenset((a.id, b.id))
            for i, a in enumerate(nodes)
            for b in nodes[i + 1 :]
            if (probes is None or a.id in probes or b.id in probes)
            and abs(a.ts - b.ts) <= TITLE_DAYS * DAY
            and len(a.words) >= MIN_WORDS
            and len(b.words) >= MIN_WORDS
            and titles_match(a, b)
        }
        assert found == expected
        assert len(expected) > 20, (vocabulary, len(expected))  # the fixture does pair titles

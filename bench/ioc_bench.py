#!/usr/bin/env python3
"""Indicators of compromise: precision, recall and F1 per type on our labelled set
(tests/data/iocs/: report-shaped texts and labels.json), for iocsearcher and ioc-finder used
plainly and for ours (iocsearcher + our filtering), in one run; then the cost of extraction.

    python bench/ioc_bench.py            # the table, then the timings
    python bench/ioc_bench.py --quick    # the table only

Every system's values go through the same normalisation (hashes and hosts lower case, a URL's
trailing punctuation off) so that the scores compare what was found, not its spelling.
Labelling conventions: tests/data/iocs/README.md.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from veille_tui.core.iocs import KINDS, extract, extract_many, site_of
from veille_tui.core.iocs.defang import normal_url

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "iocs"
Found = dict[str, set[str]]


def _norm(kind: str, value: str) -> str:
    value = value.strip()
    return normal_url(value) if kind == "url" else value.lower()


def ours(text: str, link: str) -> Found:
    return {k: set(v) for k, v in extract(text, own=site_of(link)).items()}


def iocsearcher_plain(text: str, link: str) -> Found:
    from iocsearcher.searcher import Searcher

    names = {"ip4": "ipv4", "ip6": "ipv6", "fqdn": "domain", "url": "url", "email": "email"}
    names |= {"md5": "md5", "sha1": "sha1", "sha256": "sha256"}
    found: Found = {}
    for ioc in _cached(Searcher).search_data(text):
        if ioc.name in names:
            found.setdefault(names[ioc.name], set()).add(_norm(names[ioc.name], ioc.value))
    return found


def iocfinder_plain(text: str, link: str) -> Found:
    from ioc_finder import find_iocs

    names = {"ipv4s": "ipv4", "ipv6s": "ipv6", "domains": "domain", "urls": "url", "email_addresses": "email"}
    names |= {"md5s": "md5", "sha1s": "sha1", "sha256s": "sha256", "sha512s": "sha512"}
    found: Found = {}
    for key, values in find_iocs(text).items():
        if key in names:
            found[names[key]] = {_norm(names[key], v) for v in values}
    return found


_instances: dict[type, object] = {}


def _cached(cls: type) -> object:
    if cls not in _instances:
        _instances[cls] = cls()
    return _instances[cls]


def score(system: Callable[[str, str], Found], cases: dict[str, dict]) -> tuple[dict[str, tuple[int, int, int]], float]:
    counts = {kind: [0, 0, 0] for kind in KINDS}  # true positives, false positives, false negatives
    started = time.perf_counter()
    for name, label in cases.items():
        text = (DATA / name).read_text()
        got = system(text, label["link"])
        for kind in KINDS:
            want = {_norm(kind, v) for v in label["iocs"].get(kind, [])}
            have = got.get(kind, set())
            counts[kind][0] += len(have & want)
            counts[kind][1] += len(have - want)
            counts[kind][2] += len(want - have)
    return {k: (tp, fp, fn) for k, (tp, fp, fn) in counts.items()}, time.perf_counter() - started


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def table(cases: dict[str, dict]) -> None:
    systems = {"ioc-finder": iocfinder_plain, "iocsearcher": iocsearcher_plain, "ours": ours}
    results = {name: score(fn, cases) for name, fn in systems.items()}
    print(f"{len(cases)} texts; P / R / F1 per type (tp fp fn)")
    print(f"{'type':8}" + "".join(f"{name:>30}" for name in systems))
    totals = {name: [0, 0, 0] for name in systems}
    for kind in KINDS:
        row = f"{kind:8}"
        for name in systems:
            tp, fp, fn = results[name][0][kind]
            totals[name] = [a + b for a, b in zip(totals[name], (tp, fp, fn), strict=True)]
            p, r, f = prf(tp, fp, fn)
            row += f"{f'{p:.2f} {r:.2f} {f:.2f} ({tp} {fp} {fn})':>30}"
        print(row)
    row = f"{'all':8}"
    for name in systems:
        p, r, f = prf(*totals[name])
        row += f"{f'{p:.2f} {r:.2f} {f:.2f}':>30}"
    print(row)
    print("time over the set: " + ", ".join(f"{n} {results[n][1] * 1000:.0f} ms" for n in systems))


def timings() -> None:
    rng = random.Random(7)
    words = "the attackers used a loader to reach the network and the vendor said a patch is out now".split()
    summaries = []
    for i in range(1000):
        text = " ".join(rng.choice(words) for _ in range(60))
        if i % 10 == 0:
            text += f" C2 at 185.{i % 250}.3[.]4 and evil{i}[.]com, see https://www.bleepingcomputer.com/news/{i}"
        summaries.append(text)
    extract("warm up evil[.]com")
    started = time.perf_counter()
    extract_many([(text, "example-feed.net") for text in summaries])
    print(
        f"1,000 feed summaries (~400 chars, 1 in 10 with indicators): {(time.perf_counter() - started) * 1000:.0f} ms"
    )
    step_cost(summaries)
    big = ("C2 lorem ipsum dolor sit amet 1.2.3.4 readme.md " * 1_200_000)[:50_000_000]
    started = time.perf_counter()
    extract(big)
    print(f"a 50 MB text: {time.perf_counter() - started:.2f} s")
    table_text = "\n".join(f"{rng.getrandbits(256):064x}" for _ in range(1_000_000))
    started = time.perf_counter()
    found = extract(table_text)
    print(f"a million-line hash table: {time.perf_counter() - started:.2f} s, {sum(map(len, found.values()))} kept")
    c2 = "\n".join(f"c2-{i}[.]com 45.{i % 250}.{i % 199}[.]{i % 251}" for i in range(200_000))
    started = time.perf_counter()
    found = extract(c2)
    print(
        f"a 200,000-line defanged C2 list: {time.perf_counter() - started:.2f} s, {sum(map(len, found.values()))} kept"
    )


def step_cost(summaries: list[str]) -> None:
    """The IOC step alone over a fetch batch of 1,000 items, in a real store."""
    import tempfile

    from veille_tui.core import enrich
    from veille_tui.core.enrich import iocs as iocs_step
    from veille_tui.core.models import Feed, Item
    from veille_tui.core.update import open_store, store_fetch

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "db.sqlite")
        store.sync_feeds([Feed("https://feeds.example-feed.net/rss", "Example", ())])
        feed = store.feed_states()[0].id
        items = [
            Item(
                guid=f"g{i}",
                link=f"https://example-feed.net/{i}",
                title=f"Story {i}",
                date="2026-07-25",
                ts=1_785_000_000 + i,
                summary=text,
            )
            for i, text in enumerate(summaries)
        ]
        store_fetch(store, feed, status="ok", items=items)
        ids = store.entry_ids("")
        times = []
        for _ in range(3):
            with store.transaction():
                started = time.perf_counter()
                enrich.enrich(store, ids, steps=(iocs_step.step,))
                times.append(time.perf_counter() - started)
        print(f"the IOC step over a fetch batch of 1,000 items (store reads and writes): {min(times) * 1000:.0f} ms")
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the table only")
    args = parser.parse_args()
    cases = json.loads((DATA / "labels.json").read_text())
    table(cases)
    if not args.quick:
        timings()
    return 0


if __name__ == "__main__":
    sys.exit(main())

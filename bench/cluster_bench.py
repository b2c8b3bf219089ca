"""Story clusters at scale: the clusters of a fetch batch of 1,000 new items at 52,772 entries, and
a full recompute.

    python bench/cluster_bench.py [--archive ../shared/archive/_posts] [--items 50000] [--db /tmp/c.db]

The store: the real archive's posts plus N generated items of our own text (100 feeds over the
last year; titles from made-up product names and a vocabulary of 6,000 words drawn with Zipf's law; a fifth of them
retold by another feed within two days with a word or two changed; a quarter naming one to three CVE
ids from the week's pool of 300; one in fifty a roundup naming 30 to 80 of them). Then five fetch batches of
1,000 new items of the last day: the time of the clusters step on each (run again on the batch's
ids, inside a transaction, as the writer runs it) and of the whole batch write; then the full
recompute. Prints the figures (wall clock, and the process's CPU time: the machine may be busy)
and the largest clusters' sizes.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from veille_tui.core import enrich
from veille_tui.core.archive.indexer import index_archive
from veille_tui.core.enrich import clusters
from veille_tui.core.enrich.batch import Batch
from veille_tui.core.models import Feed, Item
from veille_tui.core.store import Store
from veille_tui.core.update import open_store, store_fetch

SYLLABLES = "ar bel cor dex fen gal hex ion jor kal lum mer nov orb pax quil rho syn tor umb vel wix xen zan".split()
VERBS = "patches fixes warns-of confirms exploits discloses releases hit-by targets abuses".split()
THINGS = (
    "flaw bug vulnerability backdoor campaign ransomware botnet loader stealer breach leak zero-day exploit "
    "rootkit worm phishing supply-chain attack espionage malware trojan spyware wiper"
).split()
WORDS = (
    "critical remote code execution authentication bypass gateway router vpn firewall server cloud portal "
    "kernel browser plugin library firmware appliance agent update emergency actively exploited wild "
    "hackers researchers government healthcare banks users admins credentials data millions thousands "
    "chinese russian iranian north-korean state-sponsored group gang affiliate new old unpatched public poc"
).split()


def _products(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize())
    return sorted(names)


class Vocabulary:
    """Headline words: the security words first, then made-up ones, drawn with Zipf's law (the
    r-th word about 1/r as often as the first), as the words of real headlines are."""

    def __init__(self, rng: random.Random, size: int = 6000) -> None:
        made: set[str] = set()
        while len(made) < size:
            made.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
        self.words = [*WORDS, *sorted(made - set(WORDS))]
        self.weights = list(itertools.accumulate(1 / rank for rank in range(1, len(self.words) + 1)))
        self.rng = rng

    def draw(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.weights, k=count)


def _title(rng: random.Random, products: list[str], vocabulary: Vocabulary) -> str:
    words = [rng.choice(products), rng.choice(VERBS).replace("-", " "), rng.choice(THINGS)]
    words += vocabulary.draw(rng.randint(3, 8))
    return " ".join(words)


def _retold(rng: random.Random, title: str, vocabulary: Vocabulary) -> str:
    """The same story by another feed: a word or two changed."""
    words = title.split()
    for _ in range(rng.randint(1, 2)):
        words[rng.randrange(1, len(words))] = vocabulary.draw(1)[0]
    return " ".join(words)


class Generator:
    def __init__(self, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.products = _products(self.rng, 800)
        self.vocabulary = Vocabulary(self.rng)
        self.recent: list[tuple[int, str, str]] = []  # (ts, title, cves) of the stories of the last days

    def items(self, count: int, start: float, end: float, prefix: str) -> list[Item]:
        rng = self.rng
        found = []
        for n, ts in enumerate(sorted(int(start + rng.random() * (end - start)) for _ in range(count))):
            week = ts // (7 * 86400)
            self.recent = [r for r in self.recent if r[0] > ts - 2 * 86400][-400:]
            if self.recent and rng.random() < 0.2:  # the same story, by another feed
                _, told, cves = rng.choice(self.recent)
                title = _retold(rng, told, self.vocabulary)
            else:
                title = _title(rng, self.products, self.vocabulary)
                pool = [f"CVE-2026-{(week * 397 + k) % 90000 + 10000}" for k in range(300)]
                if rng.random() < 0.02:
                    cves = " ".join(rng.sample(pool, rng.randint(30, 40)))
                elif rng.random() < 0.25:
                    cves = " ".join(rng.sample(pool, rng.randint(1, 3)))
                else:
                    cves = ""
                self.recent.append((ts, title, cves))
            found.append(
                Item(
                    guid=f"{prefix}-{n}",
                    link=f"https://news.example.net/{prefix}/{n}.html",
                    title=title,
                    date=datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds"),
                    ts=ts,
                    summary=f"{title}. {' '.join(self.vocabulary.draw(30))} {cves}",
                )
            )
        return found


def build(db: Path, archive: Path | None, n_items: int, gen: Generator, now: float) -> tuple[Store, dict[str, int]]:
    store = open_store(db)
    if archive is not None:
        index_archive(store, archive)
    feeds = [Feed(f"https://feeds.example.net/{i}/rss.xml", f"Bench feed {i:03d}", ("bench",)) for i in range(100)]
    store.sync_feeds(feeds)
    ids = {url: fid for fid, url, *_ in store.feed_states()}
    year = 365 * 86400
    chunk = 1000
    for n, start in enumerate(range(0, n_items, chunk)):
        # items of one stretch of time at a time, as feeds bring them
        low = now - year + start / n_items * year
        high = now - year + (start + chunk) / n_items * year
        feed = feeds[n % len(feeds)]
        store_fetch(store, ids[feed.url], status="ok", items=gen.items(min(chunk, n_items - start), low, high, f"b{n}"))
    return store, ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, default=Path(__file__).resolve().parents[2] / "shared/archive/_posts")
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    archive = args.archive if args.archive.is_dir() else None
    db = args.db or Path(tempfile.mkdtemp()) / "clusters.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    now = time.time()
    gen = Generator()
    started = time.perf_counter()
    store, feeds = build(db, archive, args.items, gen, now - 86400)
    built = time.perf_counter() - started
    origin = f"{'real archive + ' if archive else ''}{args.items:,} items"
    print(f"store: {store.count():,} entries ({origin}) built in {built:.1f} s, in batches of 1,000")
    feed_ids = list(feeds.values())
    step_times: list[float] = []
    step_cpu: list[float] = []
    write_times: list[float] = []
    for n in range(5):
        # each batch is rolled back after: every one lands on the same 52,772 entries
        items = gen.items(1000, now - 86400, now, f"new{n}")
        store.db.execute("BEGIN IMMEDIATE")
        try:
            began = time.perf_counter()
            store_fetch(store, feed_ids[n], status="ok", items=items)
            write_times.append(time.perf_counter() - began)
            guids = [item.guid for item in items]
            marks = ",".join("?" * len(guids))
            batch = [
                i for (i,) in store.db.execute(f"SELECT DISTINCT entry_id FROM items WHERE guid IN ({marks})", guids)
            ]
            began, cpu = time.perf_counter(), time.process_time()
            clusters.step(Batch(store, batch))
            step_times.append(time.perf_counter() - began)
            step_cpu.append(time.process_time() - cpu)
        finally:
            store.db.execute("ROLLBACK")
    print(
        f"fetch batch of 1,000 new items (the last day) at {store.count():,} entries: clusters step median"
        f" {statistics.median(step_times) * 1000:.0f} ms (max {max(step_times) * 1000:.0f} ms;"
        f" CPU time median {statistics.median(step_cpu) * 1000:.0f} ms);"
        f" the whole batch write, every enrich step included, median {statistics.median(write_times) * 1000:.0f} ms"
    )
    recompute: list[float] = []
    recompute_cpu: list[float] = []
    for _ in range(3):
        began, cpu = time.perf_counter(), time.process_time()
        enrich.recompute_clusters(store)
        recompute.append(time.perf_counter() - began)
        recompute_cpu.append(time.process_time() - cpu)
    sizes = Counter(cluster for (cluster,) in store.db.execute("SELECT cluster FROM entry_clusters"))
    multi = [size for size in sizes.values() if size > 1]
    print(
        f"full recompute at {store.count():,} entries: median {statistics.median(recompute):.2f} s"
        f" (max {max(recompute):.2f} s; CPU time median {statistics.median(recompute_cpu):.2f} s);"
        f" {len(multi):,} clusters of 2 or more holding {sum(multi):,} entries,"
        f" the largest {sorted(multi)[-5:]}"
    )
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

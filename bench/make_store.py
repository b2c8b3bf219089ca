"""Make a veille-tui database with N generated feed items (plus, optionally, the real archive).

    python bench/make_store.py --db /tmp/bench.db --items 50000 [--archive ../shared/archive/_posts]

Items are spread over 100 feeds, dated over the last year, with tags, CVE ids and French and
English words, so that queries, tag switches and full-text search have realistic work to do.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime
from pathlib import Path

from veille_tui.core.archive.indexer import index_archive
from veille_tui.core.models import Feed, Item
from veille_tui.core.store import Store
from veille_tui.core.update import open_store, store_fetch

WORDS = (
    "ransomware phishing vulnérabilité exploit patch zero-day botnet malware fortinet ivanti cisco "
    "microsoft linux kernel chrome firefox supply chain backdoor loader stealer credential leak breach "
    "sécurité mise à jour correctif attaque campagne acteur menace espionnage cloud identity token"
).split()
TAGS = ["ransomware", "phishing", "apt", "cloud", "ics", "mobile", "vuln", "privacy", "crypto", "policy"]


def make(db: Path, n_items: int, archive: Path | None, seed: int = 7) -> Store:
    rng = random.Random(seed)
    store = open_store(db)
    if archive:
        index_archive(store, archive)
    feeds = [
        Feed(f"https://feeds.example.net/{i}/rss.xml", f"Bench feed {i:03d}", (TAGS[i % len(TAGS)],))
        for i in range(100)
    ]
    store.sync_feeds(feeds)
    ids = {url: fid for fid, url, *_ in store.feed_states()}
    now = time.time()
    per_feed = n_items // len(feeds)
    for f_index, feed in enumerate(feeds):
        items = []
        for k in range(per_feed):
            ts = int(now - rng.random() * 365 * 86400)
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120)))
            cve = f" CVE-2026-{rng.randint(1000, 99999)}" if rng.random() < 0.25 else ""
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 11))).capitalize()
            items.append(
                Item(
                    guid=f"bench-{f_index}-{k}",
                    link=f"https://news.example.net/{f_index}/{k}.html",
                    title=title,
                    date=datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds"),
                    ts=ts,
                    summary=f"{title}.\n\n{words}{cve}",
                    categories=(rng.choice(TAGS),),
                )
            )
        store_fetch(store, ids[feed.url], status="ok", items=items)
    return store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--archive", type=Path)
    args = parser.parse_args()
    if args.db.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.db) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    store = make(args.db, args.items, args.archive)
    print(f"{args.db}: {store.count()} entries in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

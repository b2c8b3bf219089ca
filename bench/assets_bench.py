"""The asset step against an inventory: 500 assets over a big store (bench/make_store.py), with a KEV
catalogue of 1,300 records, some for the inventory's products.

    python bench/make_store.py --db /tmp/bench.db --items 50000 --archive ../shared/archive/_posts
    python bench/assets_bench.py --db /tmp/bench.db

Prints: the full recompute (every entry, as when the inventory changes), and the step alone on a
fetch batch of 1,000 new items (and the whole store_fetch of that batch, every step included).
Targets (issue 25): the batch step <= 100 ms, the full recompute <= 3 s. The database is changed
(its assets, a bench feed's items): use a copy.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime
from pathlib import Path

from veille_tui.core import enrich
from veille_tui.core.enrich import assets as asset_step
from veille_tui.core.models import Asset, Feed, Item
from veille_tui.core.store.intel import KevRow, SourceRow
from veille_tui.core.update import open_store, store_fetch

REAL = [
    ("Fortinet", "FortiGate"),
    ("Fortinet", "FortiWeb"),
    ("Ivanti", "Connect Secure"),
    ("Google", "Chrome"),
    ("Mozilla", "Firefox"),
    ("Linux", "Kernel"),
    ("Microsoft", "Exchange Server"),
    ("Cisco", "IOS XE"),
]
SYLLABLES = "ka lo mi nu pe ra si to vu xe zy bro cla dri fle gro".split()
WORDS = "ransomware phishing vulnérabilité exploit patch fortinet ivanti cisco chrome firefox linux kernel".split()


def inventory(rng: random.Random, n: int = 500) -> list[Asset]:
    assets = [Asset(v, p, ("Forti OS",) if p == "FortiGate" else ()) for v, p in REAL]
    while len(assets) < n:
        vendor = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
        for _ in range(rng.randint(1, 3)):
            word = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
            assets.append(Asset(vendor, f"{word} {rng.choice(['Server', 'Gateway', 'Manager', 'Cloud', ''])}".strip()))
    return assets[:n]


def kev_rows(rng: random.Random, assets: list[Asset]) -> list[KevRow]:
    rows = []
    for _ in range(1300):
        asset = rng.choice(assets)
        rows.append(
            KevRow(
                f"CVE-2026-{rng.randint(1000, 99999)}",
                asset.vendor,
                asset.product,
                "",
                "2026-01-01",
                None,
                "",
                "",
                "",
                "",
                "",
            )
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--assets", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(11)
    assets = inventory(rng, args.assets)
    store = open_store(args.db, watch=None, rules=None)  # the inventory set below, timed
    store.assets = tuple(assets)
    with store.transaction():
        store.replace_kev(kev_rows(rng, assets), SourceRow("kev", "bench", "1", None, 1300, 0.0, *[None] * 5))
    print(f"{store.count()} entries, {len(assets)} assets")
    for run in range(2):
        started, cpu = time.perf_counter(), time.process_time()
        with store.transaction():
            enrich.refresh_assets(store)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"full recompute #{run + 1}: {wall:.2f} s ({cpu:.2f} s CPU), {store.count('+asset')} entries tagged")

    store.sync_feeds([Feed("https://bench.example.net/assets.xml", "Assets bench", ())])
    feed = next(s.id for s in store.feed_states() if s.url == "https://bench.example.net/assets.xml")
    spent: list[tuple[float, float]] = []
    timed_step = asset_step.step

    def step(batch: enrich.Batch):  # type: ignore[no-untyped-def]
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return timed_step(batch)
        finally:
            spent.append((time.perf_counter() - started, time.process_time() - cpu))

    enrich.STEPS = tuple(step if s is timed_step else s for s in enrich.STEPS)
    enrich.enrich.__kwdefaults__["steps"] = enrich.STEPS
    now = int(time.time())
    for run in range(3):
        items = []
        for k in range(1000):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120)))
            title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
            items.append(
                Item(
                    guid=f"assets-bench-{now}-{run}-{k}",
                    link=f"https://bench.example.net/{now}/{run}/{k}",
                    title=title,
                    date=datetime.fromtimestamp(now - k, UTC).isoformat(timespec="seconds"),
                    ts=now - k,
                    summary=f"{title}. {words} CVE-2026-{rng.randint(1000, 99999)}",
                )
            )
        started = time.perf_counter()
        added = store_fetch(store, feed, status="ok", items=items)
        whole = time.perf_counter() - started
        wall, cpu = spent[-1]
        print(
            f"batch #{run + 1}: {added.new} new items, asset step {wall * 1000:.0f} ms ({cpu * 1000:.0f} ms CPU),"
            f" store_fetch {whole * 1000:.0f} ms"
        )
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

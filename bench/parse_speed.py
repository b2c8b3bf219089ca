#!/usr/bin/env python3
"""Parse speed: feedparser vs fastfeedparser vs veille-tui's path (core.feeds.parse).

  python bench/parse_speed.py --dir /tmp/feeds10 [--limit 100] [--pool]

Feeds from /work/shared/bench/make_feeds.py. Prints items/s of
- feedparser.parse alone (the raw dicts),
- fastfeedparser.parse alone (raw dicts; not used, see core/feeds/fast.py),
- core.feeds.parse on each path, as Items (cleaned titles, dates, Markdown bodies): "fast"
  (lxml with feedparser's rules) and "feedparser" (feedparser + the same item building),
  and parse_feed (the path actually chosen per feed).
With --pool: N feeds parsed in a thread vs in a fresh 2-process pool (start-up included), to set
core.feeds.pool.POOL_MIN_FEEDS.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from veille_tui.core.feeds import parse as feedparse  # noqa: E402
from veille_tui.core.feeds.pool import Parser as _Parser  # noqa: E402


def timed(fn, datas):
    t = time.perf_counter()
    n = sum(fn(d) for d in datas)
    return n, time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--pool", action="store_true")
    a = ap.parse_args()
    files = sorted(Path(a.dir).glob("*.xml"))
    if a.limit:
        files = files[: a.limit]
    datas = [f.read_bytes() for f in files]
    mb = sum(map(len, datas)) / 1e6
    print(f"{len(datas)} feeds, {mb:.1f} MB")

    import feedparser

    rows = [("feedparser.parse (raw)", lambda d: len(feedparser.parse(io.BytesIO(d)).entries))]
    try:
        import fastfeedparser

        rows.append(("fastfeedparser.parse (raw)", lambda d: len(fastfeedparser.parse(d).entries)))
    except ImportError:
        pass
    url = "http://127.0.0.1/feed.xml"
    rows += [
        ("core.feeds.parse, feedparser path → Items", lambda d: len(feedparse.parse_with(d, url, "feedparser").items)),
        ("core.feeds.parse, fast path → Items", lambda d: len(feedparse.parse_with(d, url, "fast").items)),
        ("core.feeds.parse.parse_feed → Items", lambda d: len(feedparse.parse_feed(d, url).items)),
    ]
    feedparse.parse_feed(datas[0], url)  # warm imports
    for name, fn in rows:
        n, dt = timed(fn, datas)
        print(f"{name:42s} {n:7d} items {dt:7.2f} s {n / dt:9.0f} items/s {mb / dt:6.1f} MB/s")

    if a.pool:
        print("\nN feeds: thread vs fresh 2-process pool (start-up included)")
        for n in (1, 2, 4, 6, 8, 16, 32):
            sub = (datas * ((n // len(datas)) + 1))[:n]
            for label, use_pool in (("thread", False), ("pool", True)):

                async def run(use_pool=use_pool, sub=sub):
                    p = _Parser(2, use_pool)
                    try:
                        await asyncio.gather(*(p.parse(d, url, None) for d in sub))
                    finally:
                        p.close()

                t = time.perf_counter()
                asyncio.run(run())
                print(f"  N={n:3d} {label:6s} {time.perf_counter() - t:6.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

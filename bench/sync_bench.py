"""Sync figures against a real FreshRSS on loopback (../shared/servers/freshrss-up.sh):

    python bench/sync_bench.py [--items 1000] [--feeds 5] [--runs 3] [--work /tmp/veille-tui-sync-bench]

The server subscribes to `--feeds` feeds of our own (generated, served on 127.0.0.1) holding
`--items` items in all. Then, each run on a fresh database (`Library.sync()` timed in this process;
the `veille-tui sync` command line adds ~0.3 s of interpreter start):

- `first`: the first sync: the subscriptions, every item (stored through the fetch path's writer,
  enriched), the states;
- `incremental`: a sync with nothing new (the items of the last second again, skipped);
- `push`: every item marked read here (`mark`, queued), then a sync pushing them in batches
  (edit-tag, 900 ids a request), and the states pulled; the items are marked unread again on the
  server after each run.

Measured here (2 cores shared with other work, PHP 8.2 built-in server, SQLite), median of 3:
see README "Team server (sync)".
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.freshrss import FeedServer, Unavailable, start_freshrss  # noqa: E402

from veille_tui.core import config as config_mod  # noqa: E402
from veille_tui.core.library import Library  # noqa: E402
from veille_tui.core.sync.client import READ, READING_LIST  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--feeds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="veille-tui-sync-bench-"))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        server = start_freshrss(work / "freshrss")
    except Unavailable as exc:
        print(f"FreshRSS cannot run here: {exc}", file=sys.stderr)
        return 2
    feeds = FeedServer(work / "feeds")
    try:
        per_feed = args.items // args.feeds
        with server.client() as client:
            for n in range(args.feeds):
                client.quickadd(feeds.write_feed(f"bench{n}", per_feed))
            total = len(client.item_ids(READING_LIST))
        print(f"server: {server.api}, {args.feeds} feeds of ours, {total} items in all (its own GitHub feed empty)")
        (work / "config.toml").write_text(
            f'feeds = []\n[sync]\nurl = "{server.api}"\nuser = "analyst"\n'
            f'password_file = "{server.state / "api_password"}"\n'
        )
        figures: dict[str, list[float]] = {"first": [], "incremental": [], "push": []}
        for run in range(args.runs):
            db = work / f"run{run}" / "veille.db"
            settings = config_mod.load(work / "config.toml")
            with Library(settings, None, db_path=db) as lib:
                outcome, took = timed(lib)
                assert outcome.ok, outcome.error
                figures["first"].append(took)
                print(f"run {run}: first sync {took:.2f} s, {outcome.items} items, {outcome.feeds} feeds")
                outcome, took = timed(lib)
                assert outcome.ok and outcome.items == 0, outcome
                figures["incremental"].append(took)
                print(f"run {run}: incremental (nothing new) {took:.3f} s")
                ids = lib.entry_ids("is:unread")
                changed = lib.mark(ids, read=True)
                outcome, took = timed(lib)
                assert outcome.ok and outcome.pushed == changed and outcome.pending == 0, outcome
                figures["push"].append(took)
                print(f"run {run}: {changed} changes pushed in {took:.2f} s (the whole sync)")
            with server.client() as client:
                client.edit_tag(sorted(client.item_ids(READING_LIST)), remove=READ)
        for name, values in figures.items():
            print(f"{name}: median {statistics.median(values):.3f} s (min {min(values):.3f}, max {max(values):.3f})")
    finally:
        feeds.close()
        server.stop()
    return 0


def timed(lib: Library) -> tuple[object, float]:
    start = time.perf_counter()
    outcome = lib.sync()
    return outcome, time.perf_counter() - start


if __name__ == "__main__":
    raise SystemExit(main())

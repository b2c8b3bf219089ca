#!/usr/bin/env python3
"""Fetch benchmark of core.feeds.http alone (no database): cold, then all-unchanged (304).

  python bench/fetch_speed.py --dir /tmp/feeds10 [--workers 2] [--rounds 3]

Starts /work/shared/bench/serve_feeds.py (or --serve PATH) on a free port over DIR, fetches every
feed listed in DIR/index.txt cold (no validators), then again with the ETag/Last-Modified the first
round returned (every answer a 304). Prints wall time, items, and peak RSS of this process and of
its children (the parser processes).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from veille_tui.core.feeds.http import FetchRequest, FetchSettings, fetch_feeds  # noqa: E402


def start_server(serve: str, directory: str) -> tuple[subprocess.Popen, int]:
    tmp = tempfile.mkdtemp(prefix="veille-bench-")
    portfile = os.path.join(tmp, "port")
    proc = subprocess.Popen(
        [
            sys.executable,
            serve,
            "--dir",
            directory,
            "--port",
            "0",
            "--portfile",
            portfile,
            "--pidfile",
            os.path.join(tmp, "pid"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        if os.path.exists(portfile) and Path(portfile).read_text().strip():
            return proc, int(Path(portfile).read_text().strip())
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("server did not start")


class PeakRSS:
    """Peak resident memory of this process's descendants (the parser processes), from /proc."""

    def __init__(self) -> None:
        import threading

        self.peak_kb = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def descendants(self) -> list[int]:
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    pass
        me, out, frontier = os.getpid(), [], {os.getpid()}
        while frontier:
            frontier = {p for p, pp in parents.items() if pp in frontier and p != me}
            out += frontier
        return out

    def run(self) -> None:
        while not self.stop.wait(0.05):
            for pid in self.descendants():
                try:
                    with open(f"/proc/{pid}/status") as f:
                        for line in f:
                            if line.startswith("VmRSS:"):
                                self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                except OSError:
                    pass


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--serve", default="/work/shared/bench/serve_feeds.py")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--per-host", type=int, default=FetchSettings.per_host)
    ap.add_argument(
        "--bump-scale",
        type=int,
        default=0,
        help="also measure 10%% changed: regenerate DIR with make_feeds.py --scale K --bump 0.1 "
        "after the cold round, fetch with validators, then regenerate it as it was",
    )
    ap.add_argument(
        "--drop-items",
        action="store_true",
        help="count items in on_result and drop them, as a caller storing them as they come would",
    )
    a = ap.parse_args()
    names = [n.strip() for n in Path(a.dir, "index.txt").read_text().splitlines() if n.strip()]
    proc, port = start_server(a.serve, a.dir)
    peak = PeakRSS()
    try:
        settings = FetchSettings(parse_workers=a.workers, per_host=a.per_host)
        counted = [0]

        def consume(res) -> None:
            counted[0] += len(res.items)
            res.items = []

        on_result = consume if a.drop_items else None
        cold, warm, changed = [], [], []
        make = str(Path(a.serve).with_name("make_feeds.py"))
        for _ in range(a.rounds):
            reqs = [FetchRequest(f"http://127.0.0.1:{port}/{n}") for n in names]
            t = time.perf_counter()
            counted[0] = 0
            res = fetch_feeds(reqs, settings, on_result)
            cold.append(time.perf_counter() - t)
            bad = [r for r in res if r.status != "ok"]
            items = sum(len(r.items) for r in res) + counted[0]
            reqs2 = [FetchRequest(r.url, r.etag, r.last_modified) for r in res]
            if a.bump_scale:
                subprocess.run(
                    [sys.executable, make, "--out", a.dir, "--scale", str(a.bump_scale), "--bump", "0.1"],
                    check=True,
                    capture_output=True,
                )
                t = time.perf_counter()
                res3 = fetch_feeds(reqs2, settings, on_result)
                changed.append(time.perf_counter() - t)
                n_changed = sum(r.status == "ok" for r in res3)
                subprocess.run(
                    [sys.executable, make, "--out", a.dir, "--scale", str(a.bump_scale)],
                    check=True,
                    capture_output=True,
                )
                reqs2 = [FetchRequest(r.url, r.etag, r.last_modified) for r in fetch_feeds(reqs, settings, on_result)]
            t = time.perf_counter()
            res2 = fetch_feeds(reqs2, settings, on_result)
            warm.append(time.perf_counter() - t)
            unchanged = sum(r.status == "unchanged" for r in res2)
        self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_rss = peak.peak_kb / 1024
        print(f"{len(names)} feeds, {items} items, errors {len(bad)}, workers {a.workers}, per host {a.per_host}")
        print(f"cold: median {statistics.median(cold):.2f} s  (runs {', '.join(f'{x:.2f}' for x in cold)})")
        if changed:
            print(
                f"10% changed: median {statistics.median(changed):.2f} s  "
                f"({n_changed} fetched and parsed, the rest 304)"
            )
        print(f"all unchanged: median {statistics.median(warm):.2f} s  ({unchanged} x 304)")
        print(f"peak RSS: this process {self_rss:.0f} MB, largest child process (parser or server) {child_rss:.0f} MB")
    finally:
        proc.terminate()
        proc.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

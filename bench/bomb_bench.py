#!/usr/bin/env python3
"""Compression bombs against the fetcher: peak memory and time of a whole process.

    python bench/bomb_bench.py

For each response of bench/attack_server.py (127.0.0.1 only), a fresh `python` process fetches it
with fetch_all (the [fetch] defaults: 10 MiB cap; timeout 5 s as in the issue), every step of the
event loop timed. Printed: the outcome, the wall time of the fetch, the stall (the longest one step
held the event loop while the body was read and decoded) and the peak RSS of the process (its
VmHWM; wait4's ru_maxrss where there is no /proc).
Targets (issue 13): under 100 MB, within the timeout plus one second.

A second series raises the cap to 1 GiB with a 1 s timeout, so that it is the timeout that stops
the decoding: it must fire on time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TypedDict

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from bench.attack_server import serving, stacked_bomb  # noqa: E402

CHILD = r"""
import asyncio, asyncio.events, json, sys, time
from veille_tui.core.net import decode
from veille_tui.core.feeds.http import FetchRequest, fetch_all
from veille_tui.core.models import FetchSettings

url, timeout, max_bytes = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
reading = False
longest = 0.0
original_read, original_run = decode.read_body, asyncio.events.Handle._run

async def read_body(*args):  # steps are timed while the body is read and decoded
    global reading
    reading = True
    try:
        return await original_read(*args)
    finally:
        reading = False

def timed_run(self):  # one step of the event loop: the CPU it held the loop for (thread time: a
    global longest    # busy machine that takes the core away does not count, a long decode does)
    started = time.thread_time()
    try:
        return original_run(self)
    finally:
        if reading:
            longest = max(longest, time.thread_time() - started)

decode.read_body = read_body
asyncio.events.Handle._run = timed_run

async def main():
    started = time.monotonic()
    (res,) = await fetch_all([FetchRequest(url)], FetchSettings(timeout=timeout, max_bytes=max_bytes, parse_workers=0))
    elapsed = time.monotonic() - started
    peak = None  # this program's own peak (ru_maxrss would count the parent's at fork time)
    try:
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        pass
    print(json.dumps({"status": res.status, "error": res.error, "elapsed": elapsed, "lag": longest, "peak": peak}))

asyncio.run(main())
"""


class BombRun(TypedDict):
    """What the child process reports, plus its peak memory."""

    status: str
    error: str | None
    elapsed: float
    lag: float
    peak: float | None
    rss_mb: float


def run(url: str, timeout: float, max_bytes: int) -> BombRun:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(timeout), str(max_bytes)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _pid, _status, usage = os.wait4(proc.pid, 0)
    result: BombRun = json.loads(out)
    # VmHWM of the child itself where /proc has it; else wait4's (which starts from the parent's peak)
    peak = result.get("peak")
    result["rss_mb"] = peak if peak is not None else usage.ru_maxrss / 1024
    return result


def main() -> None:
    series = [("default cap (10 MiB), timeout 5 s", 5.0, 10 * 1024**2), ("cap 1 GiB, timeout 1 s", 1.0, 1024**3)]
    stacked_bomb(1), stacked_bomb(10)  # built before the clock starts
    with serving(lifetime=300) as server:
        for label, timeout, cap in series:
            print(f"\n{label}")
            print(f"{'response':<34} {'time':>7} {'stall':>8} {'peak RSS':>9}  outcome")
            for name, path in [("gzip, gzip: 1 GB decoded", "/gzip2-1g"), ("gzip, gzip: 10 GB decoded", "/gzip2-10g")]:
                r = run(server.url(path), timeout, cap)
                outcome, stall = r["error"] or r["status"], float(r["lag"]) * 1000
                print(f"{name:<34} {r['elapsed']:>6.2f}s {stall:>6.1f}ms {r['rss_mb']:>7.1f}MB  {outcome}")


if __name__ == "__main__":
    main()

"""The SQL of a tag switch and a query alone, in-process: the whole list of ids (`entry_id_list`,
what the list read before issue 22's change and what the reader thread reads now) against its
first rows (`entry_id_head`, what the UI thread reads now before the first paint).

    python bench/list_head_bench.py --db /tmp/veille-tui-run/store-50000/data/veille.db [--runs 30]

Prints, per query, the number of matches and the median (min) of wall time (perf_counter) and of
CPU time (process_time) over --runs runs, after one warm-up run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from veille_tui.core.update import open_store

HEAD = 151  # what tui/screens/parts/listing.py asks for at 160x48 (HEAD + 1)
TAGS = ["+ransomware", "+cloud", "+vuln", "+phishing", "+certfr", "+cve"]
STRUCTURED = ["+ransomware is:unread", "+cve @30d", "feed:bench -cloud", "is:starred", "@7d"]
FULL_TEXT = ["patch", "fortinet", "vulnérabilité correctif", '"supply chain"', "exploit", "ransomware cloud", "botnet"]


def timed(call, runs: int) -> tuple[float, float, float]:
    """Median wall, min wall, median CPU (ms)."""
    call()
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall) * 1000, min(wall) * 1000, statistics.median(cpu) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    store = open_store(args.db)
    print(f"{store.count():,} entries; {args.runs} runs a figure; ms: median wall (min) / median CPU")
    print("| query | matches | whole list | first rows |")
    print("| --- | --- | --- | --- |")
    for query in ["", *TAGS, *STRUCTURED, *FULL_TEXT]:
        whole = store.entry_id_list(query)
        assert store.entry_id_head(query, HEAD) == whole[:HEAD], query
        w = timed(lambda q=query: store.entry_id_list(q), args.runs)
        h = timed(lambda q=query: store.entry_id_head(q, HEAD), args.runs)
        print(
            f"| `{query or '(all)'}` | {len(whole):,} | {w[0]:.1f} ({w[1]:.1f}) / {w[2]:.1f}"
            f" | {h[0]:.1f} ({h[1]:.1f}) / {h[2]:.1f} |"
        )
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

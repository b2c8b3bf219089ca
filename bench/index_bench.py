"""Archive index and query benchmark (issue: foundation).

    python bench/index_bench.py [--archive ../shared/archive/_posts] [--items 50000] [--runs 3]

Times, as whole processes (medians):
  - the baseline: a python-frontmatter loop over the same files;
  - cold `veille-tui index` (empty database);
  - warm `veille-tui index` (nothing changed);
and, inside one process, `list`-style queries on a generated store of N items + the archive.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_ARCHIVE = HERE.parent.parent / "shared" / "archive" / "_posts"
QUERIES = [
    "",
    "+certfr",
    "+ransomware",
    "-cve is:unread",
    "fortinet",
    "vulnerabilite",
    "@7d",
    "feed:042",
    "cve:CVE-2026-33825",
    "+cve ransomware @30d",
    "is:starred",
    '"supply chain"',
]


def wall(cmd: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not args.archive.is_dir():
        print(f"no archive at {args.archive}", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="veille-bench-"))
    env = {**os.environ, "VEILLE_TUI_DATA_DIR": str(tmp / "data"), "VEILLE_TUI_CONFIG": str(tmp / "none.toml")}
    n_files = len(list(args.archive.glob("*.md")))

    baseline = [
        wall(
            [
                sys.executable,
                "-c",
                "import frontmatter, pathlib, sys; "
                "[frontmatter.load(p) for p in pathlib.Path(sys.argv[1]).glob('*.md')]",
                str(args.archive),
            ],
            env,
        )
        for _ in range(args.runs)
    ]
    index_cmd = [sys.executable, "-m", "veille_tui", "--archive", str(args.archive), "index"]
    cold = []
    for _ in range(args.runs):
        shutil.rmtree(tmp / "data", ignore_errors=True)
        cold.append(wall(index_cmd, env))
    warm = [wall(index_cmd, env) for _ in range(args.runs)]
    b, c, w = statistics.median(baseline), statistics.median(cold), statistics.median(warm)
    print(f"archive: {n_files} files")
    print(f"python-frontmatter loop (whole process): {b:.2f} s")
    print(f"cold index (whole process):              {c:.2f} s  = {c / b:.1f} x the loop (target <= 1.5 x)")
    print(f"warm re-index, nothing changed:          {w:.2f} s  (target <= 0.5 s)")

    sys.path.insert(0, str(HERE))
    from make_store import make  # noqa: E402

    started = time.perf_counter()
    store = make(tmp / "big.db", args.items, args.archive)
    print(f"\ngenerated store: {store.count()} entries in {time.perf_counter() - started:.1f} s")
    print(f"{'query':28} {'matches':>8} {'list (100 rows + count)':>24}")
    worst = 0.0
    for query in QUERIES:
        times = []
        for _ in range(5):
            t = time.perf_counter()
            store.entries(query, limit=100)
            store.count(query)
            times.append(time.perf_counter() - t)
        ms = statistics.median(times) * 1000
        worst = max(worst, ms)
        print(f"{query!r:28} {store.count(query):>8} {ms:>21.1f} ms")
    print(f"slowest list query: {worst:.1f} ms (target <= 50 ms)")
    list_cmd = [sys.executable, "-m", "veille_tui", "--archive", str(args.archive), "list", "+certfr", "--json"]
    print(
        "`veille-tui list +certfr --json` whole process (warm): "
        f"{statistics.median(wall(list_cmd, env) for _ in range(args.runs)):.2f} s"
    )
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

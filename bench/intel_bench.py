"""CVE intelligence figures: `intel import` of a 300,000-row EPSS file, `cves` over 52,772 entries,
and the TUI's CVE screen painted after `c` at 52,772 entries.

    python bench/intel_bench.py [--archive ../shared/archive/_posts] [--work /tmp/veille-tui-intel-bench]
                                [--items 50000] [--rows 300000] [--runs 7] [--only import|cves|screen]

- import: a generated EPSS CSV (our own synthetic CVE ids: every CVE-2026-NNNNN that
  bench/make_store.py can name, the real archive's ids, then other years up to --rows rows), plain
  and gzipped; `Library.import_intel` in this process (median of --runs, each replacing the whole
  table as a daily refresh does) and `veille-tui intel import FILE` as a whole process.
- cves: the store of bench/make_store.py (real archive + --items generated items; built once in
  --work, then reused), with those EPSS scores and a 1,500-record KEV catalogue loaded;
  `Library.cves()` over every entry (trend, epss and count sorts) and with a query, median of
  --runs, and `veille-tui cves --json` as a whole process.
- screen: the app on that store in a pseudo-terminal; `c` pressed from the list; the time from the
  key's arrival in the app until the CVE screen's first paint is recorded inside the app
  (CveScreen.timings, like bench/tui_bench.py's MainScreen.timings), median of --runs.

Targets (issue 9): import <= 2 s, cves <= 200 ms, CVE screen <= 150 ms.

Measured here (2 cores, other work running at times; real archive + 50,000 generated items =
52,772 entries, 12,685 CVE ids, 300,000 EPSS rows and 1,500 KEV records loaded): intel import
0.92-1.04 s in this process (CSV or CSV.gz), 1.1-1.2 s as a whole `veille-tui intel import`;
`Library.cves()` over every entry 104-110 ms (trend, EPSS or count order), 20 ms for `+cve @30d`;
`veille-tui cves --json` as a process 0.40 s (0.12 s of it starting Python, and the JSON of 12,685
objects); the CVE view after `c`: its first rows (those with a trend) painted 55 ms after the key
with nothing held, the whole table 295 ms; 60 ms when the rows were held or read ahead.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_ARCHIVE = REPO.parent / "shared" / "archive" / "_posts"
sys.path.insert(0, str(HERE))

from tui_bench import RUN_AND_DUMP  # noqa: E402  (bench/tui_bench.py: the end of a child that dumps the timings)
from veille_tui.core.library import Library  # noqa: E402


def epss_file(work: Path, rows: int, archive_ids: list[str], seed: int = 3) -> tuple[Path, Path]:
    """A synthetic EPSS CSV of `rows` rows, and the same gzipped."""
    rng = random.Random(seed)
    ids = dict.fromkeys([f"CVE-2026-{n}" for n in range(1000, 100_000)] + archive_ids)
    year, n = 1999, 1
    while len(ids) < rows:
        ids.setdefault(f"CVE-{year}-{n:04d}", None)
        n += 1
        if n > 14_000:
            year, n = year + 1, 1
    chosen = sorted(ids)[:rows] if len(ids) > rows else sorted(ids)
    scores = sorted(rng.betavariate(0.3, 6) for _ in chosen)
    rank = {score: i for i, score in enumerate(scores)}
    rng.shuffle(scores)
    lines = ["#model_version:v2025.03.14,score_date:2026-12-01T12:55:00Z", "cve,epss,percentile"]
    for cve, score in zip(chosen, scores, strict=True):
        lines.append(f"{cve},{score:.5f},{rank[score] / len(scores):.5f}")
    text = ("\n".join(lines) + "\n").encode()
    plain, packed = work / "epss_scores-bench.csv", work / "epss_scores-bench.csv.gz"
    plain.write_bytes(text)
    packed.write_bytes(gzip.compress(text, compresslevel=6))
    return plain, packed


def kev_file(work: Path, ids: list[str], size: int = 1500, seed: int = 4) -> Path:
    """A KEV catalogue of `size` records, a tenth of them naming ids the store's entries name."""
    rng = random.Random(seed)
    named = rng.sample(ids, min(len(ids), size // 10))
    others = [f"CVE-20{rng.randint(10, 25)}-{rng.randint(1000, 60000)}" for _ in range(size)]
    chosen = list(dict.fromkeys(named + others))[:size]
    vulns = [
        {
            "cveID": cve,
            "vendorProject": f"Vendor {i % 97}",
            "product": f"Product {i % 31}",
            "vulnerabilityName": f"Vendor {i % 97} Product {i % 31} Vulnerability",
            "dateAdded": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "shortDescription": "A generated record for the benchmark.",
            "requiredAction": "Apply mitigations per vendor instructions.",
            "dueDate": f"2026-{1 + i % 12:02d}-{1 + (i + 14) % 28:02d}",
            "knownRansomwareCampaignUse": "Known" if i % 9 == 0 else "Unknown",
            "notes": "",
            "cwes": [f"CWE-{20 + i % 400}"],
        }
        for i, cve in enumerate(chosen)
    ]
    path = work / "known_exploited_vulnerabilities.json"
    path.write_text(json.dumps({"catalogVersion": "bench", "count": len(vulns), "vulnerabilities": vulns}))
    return path


def environment(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        VEILLE_TUI_DATA_DIR=str(work / "data"),
        VEILLE_TUI_CONFIG=str(work / "config.toml"),
        VEILLE_TUI_INTEL="off",
        TERM="xterm-256color",
        COLORTERM="truecolor",
        PYTHONDONTWRITEBYTECODE="1",
    )
    for name in ("TEXTUAL_THEME", "VEILLE_TUI_ARCHIVE", "DISPLAY", "WAYLAND_DISPLAY", "TMUX"):
        env.pop(name, None)
    return env


def prepare(work: Path, archive: Path, items: int) -> Path:
    """The big store (built once in work/data, then reused)."""
    import make_store  # bench/make_store.py

    db = work / "data" / "veille.db"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        print(f"building {db} ({items} items + {archive})…", file=sys.stderr)
        make_store.make(db, items, archive).close()
    (work / "config.toml").write_text("", encoding="utf-8")
    return db


def _ms(values: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values]
    return {"median_ms": round(statistics.median(ms), 1), "max_ms": round(max(ms), 1), "n": len(ms)}


def _timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def _process(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    def one() -> None:
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    one()  # warm
    return _timed(one, runs)


def bench_import(work: Path, archive: Path, rows: int, runs: int) -> dict:
    scratch = work / "import"
    scratch.mkdir(parents=True, exist_ok=True)
    archive_ids = []
    with Library.open() as lib:
        archive_ids = sorted({c.cve for c in lib.cves()})
    plain, packed = epss_file(scratch, rows, archive_ids)
    env = environment(scratch)
    report: dict = {
        "rows": rows,
        "csv_mb": round(plain.stat().st_size / 1e6, 1),
        "gz_mb": round(packed.stat().st_size / 1e6, 1),
    }
    with Library.open(db_path=scratch / "veille.db") as lib:
        for name, path in (("csv", plain), ("gz", packed)):
            report[f"in_process_{name}"] = _ms(_timed(lambda p=path: lib.import_intel(p), runs))
    for name, path in (("csv", plain), ("gz", packed)):
        argv = [
            sys.executable,
            "-m",
            "veille_tui",
            "--config",
            str(scratch / "none.toml"),
            "intel",
            "import",
            str(path),
        ]
        env["VEILLE_TUI_DATA_DIR"] = str(scratch)
        (scratch / "none.toml").write_text("")
        report[f"process_{name}"] = _ms(_process(argv, env, max(3, runs // 2)))
    return report


def load_intel(work: Path) -> None:
    with Library.open() as lib:
        ids = sorted({c.cve for c in lib.cves()})
        if lib.intel_status()[1].count < 1000:
            _plain, packed = epss_file(work, 300_000, ids)
            lib.import_intel(packed)
            lib.import_intel(kev_file(work, ids))


def bench_cves(work: Path, runs: int) -> dict:
    load_intel(work)
    report: dict = {}
    with Library.open() as lib:
        report["entries"] = lib.count()
        everything = lib.cves()
        report["cve_ids"] = len(everything)
        report["kev_entries"] = lib.count("+kev")
        lib.cves()  # warm the page cache
        for label, kwargs in (
            ("all_trend", {}),
            ("all_epss", {"sort": "epss"}),
            ("all_count", {"sort": "count"}),
            ("query +cve @30d", {"query": "+cve @30d"}),
            ("query fortinet", {"query": "fortinet"}),
        ):
            report[label] = _ms(_timed(lambda kw=kwargs: lib.cves(**kw), runs))
    env = environment(work)
    argv = [sys.executable, "-m", "veille_tui", "cves", "--json"]
    report["process_cves_json"] = _ms(_process(argv, env, max(3, runs // 2)))
    report["process_tags_json"] = _ms(_process([sys.executable, "-m", "veille_tui", "tags", "--json"], env, 3))
    return report


# The child that runs the app on the big store, the main screen's timings dumped at exit (the CVE
# view records into them: cves_shown, cves_loaded, cves_painted). "cold": the rows kept for a view
# are dropped before each `c`, so that every one reads them again.
SCREEN_CHILD = (
    textwrap.dedent("""
    import json, sys
    from veille_tui.core.library import Library
    from veille_tui.tui.app import VeilleApp
    from veille_tui.tui.screens import cves

    out, mode = sys.argv[1], sys.argv[2]
    if mode == "cold":
        open_view = cves.CvePivot.open
        def cold(self):
            self._held.clear()
            open_view(self)
        cves.CvePivot.open = cold
    lib = Library.open()
""")
    + RUN_AND_DUMP
)


def bench_screen(work: Path, runs: int) -> dict:
    """`c` pressed from the list of every entry, `escape` back, --runs times (the first of a
    session, which imports the screen's modules, is left out)."""
    load_intel(work)
    from tui_bench import Term  # bench/tui_bench.py

    env = environment(work)
    child = work / "screen_child.py"
    child.write_text(SCREEN_CHILD, encoding="utf-8")
    report: dict = {}
    for mode in ("cold", "warm"):
        out = work / f"screen_timings_{mode}.json"
        term = Term([sys.executable, str(child), str(out), mode], env, 160, 48)
        term.wait_for(b"entries")
        term.settle(1.5)
        for _ in range(runs + 1):
            term.send("c")
            term.settle(0.8)
            term.send(b"\x1b")  # escape: back to the list
            term.settle(0.6)
        term.quit()
        data = json.loads(out.read_text())
        names = ("cves_shown", "cves_first_painted", "cves_loaded", "cves_painted")
        report[mode] = {name: _ms(data[name][1:]) for name in names if data.get(name, [])[1:]}
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "veille-tui-intel-bench")
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", choices=["import", "cves", "screen"], action="append")
    args = parser.parse_args()
    if not args.archive.is_dir():
        print(f"no archive at {args.archive}: give --archive DIR", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ.update(environment(args.work))
    prepare(args.work, args.archive, args.items)
    only = set(args.only or ["import", "cves", "screen"])
    report: dict = {}
    if "import" in only:
        report["import"] = bench_import(args.work, args.archive, args.rows, args.runs)
        print("intel import:", json.dumps(report["import"]))
    if "cves" in only:
        report["cves"] = bench_cves(args.work, args.runs)
        print("cves:", json.dumps(report["cves"]))
    if "screen" in only:
        report["screen"] = bench_screen(args.work, args.runs)
        print("CVE screen after c:", json.dumps(report["screen"]))
    (args.work / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

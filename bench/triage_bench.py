"""Triage figures on a 52,772-entry view: `n` (the next unread entry, opened) and `A` (the view
marked read), timed inside the app (MainScreen.timings, as bench/tui_bench.py does) while the
keys go through a pseudo-terminal like a user's.

    python bench/triage_bench.py [--archive ../shared/archive/_posts] [--work /tmp/veille-tui-bench]
                                 [--items 50000] [--size 80x24]

The store is bench/make_store.py's (the real archive + 50,000 generated items = 52,772 entries),
copied afresh for each session (the keys change it). Two sessions on the All view:

- `n`: the newest 30,000 entries marked read first, so that `n` from the top of the list finds the
  next unread 30,000 rows down (`far`, six times: `n` then `g`); then ten `n` in a row, each
  finding the next unread at once (`near`). `next_unread` is the work
  (the SQL over the list's ids, the cursor, the article rendered, the entry marked read),
  `next_unread_painted` until the screen refresh that shows it has run.
- `A`: every item unread (50,000): `mark_view_read_asked` from the key until the question is on
  screen (the count of unread entries of the view included; asked five times, answered no, then
  yes), `mark_view_read_painted` from the
  confirming key until the list, the article and the counts show them read; the write itself
  commits in a worker afterwards (`mark_view_read_committed`).

Measured here (2 cores shared with other work, Textual 8.2.8, 52,772 entries), until painted,
median (max): at 80x24, `n` far 14 ms (30), near 8 ms (12); `A` the question 13 ms (23), all
shown read 46 ms, committed 0.25-0.6 s later. At 160x48: `n` far 28 ms (67), near 30 ms (90);
`A` the question 57 ms (159), all shown read 45-170 ms. Before (issue 11's first cut): `n` far
86-109 ms (a scan of the list's ids through json_each), the question 110-210 ms (a modal screen
draws the main one again beneath it, dimmed).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import tui_bench  # noqa: E402  (bench/tui_bench.py: the pseudo-terminal, the store, the timing child)


def session(env: dict[str, str], archive: Path, work: Path, db: Path, size: tuple[int, int], keys: list[str]) -> dict:
    """One run of the app on a fresh copy of `db`; `keys` sent one at a time, each after the screen
    settled; the app's timings at exit."""
    run = work / "triage"
    shutil.rmtree(run, ignore_errors=True)
    (run / "data").mkdir(parents=True)
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(db) + suffix)
        if source.exists():
            shutil.copy(source, run / "data" / f"veille.db{suffix}")
    env = {**env, "VEILLE_TUI_DATA_DIR": str(run / "data")}
    out = run / "timings.json"
    child = run / "timing_child.py"
    child.write_text(tui_bench.TIMING_CHILD, encoding="utf-8")
    term = tui_bench.Term([sys.executable, str(child), str(out), str(archive)], env, *size)
    term.wait_for(b"entries")
    term.settle(1.5)
    for key in keys:
        term.send(key)
        term.settle(0.5)
    term.settle(1.0)
    term.quit()
    return dict(json.loads(out.read_text()))


def mark_newest_read(db: Path, count: int) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE entries SET read = 1 WHERE id IN (SELECT id FROM entries ORDER BY ts DESC, id DESC LIMIT ?)",
            (count,),
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, default=tui_bench.DEFAULT_ARCHIVE)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "veille-tui-bench")
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--size", default="80x24", help="terminal size, COLSxROWS")
    parser.add_argument("--far", type=int, default=30_000, help="entries read above the first unread (n)")
    args = parser.parse_args()
    if not args.archive.is_dir():
        print(f"no archive at {args.archive}: give --archive DIR", file=sys.stderr)
        return 2
    cols, rows = (int(v) for v in args.size.split("x"))
    args.work.mkdir(parents=True, exist_ok=True)
    env = tui_bench.prepare(args.work, args.archive, args.items)
    db = Path(env["VEILLE_TUI_DATA_DIR"]) / "veille.db"
    with sqlite3.connect(db) as conn:
        entries = conn.execute("SELECT count(*) FROM entries").fetchone()[0]

    far_db = args.work / "triage-far.db"
    shutil.copy(db, far_db)
    mark_newest_read(far_db, args.far)
    far = 6
    n = session(env, args.archive, args.work, far_db, (cols, rows), ["n", "g"] * far + ["n"] * 10)
    a = session(env, args.archive, args.work, db, (cols, rows), ["A", "x"] * 5 + ["A", "A"])

    report = {
        "entries": entries,
        "size": args.size,
        "n_far_ms": tui_bench._stats(n.get("next_unread", [])[:far]),
        "n_far_painted_ms": tui_bench._stats(n.get("next_unread_painted", [])[:far]),
        "n_near_ms": tui_bench._stats(n.get("next_unread", [])[far:]),
        "n_near_painted_ms": tui_bench._stats(n.get("next_unread_painted", [])[far:]),
        "A_asked_painted_ms": tui_bench._stats(a.get("mark_view_read_asked", [])),
        "A_marked_ms": tui_bench._stats(a.get("mark_view_read", [])),
        "A_marked_painted_ms": tui_bench._stats(a.get("mark_view_read_painted", [])),
        "A_committed_ms": tui_bench._stats(a.get("mark_view_read_committed", [])),
    }
    for key, value in report.items():
        print(f"{key}: {value}")
    (args.work / "triage-report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

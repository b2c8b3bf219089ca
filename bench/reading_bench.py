"""Reading-mode figures on a 52,772-entry view (issue 20): `enter` to the article painted full
screen, `n` in the reading mode to the next unread article painted, and `U` after `A` (every
unread entry given back) until the list shows it; timed inside the app (MainScreen.timings, as
bench/tui_bench.py does) while the keys go through a pseudo-terminal like a user's.

    python bench/reading_bench.py [--archive ../shared/archive/_posts] [--work /tmp/veille-tui-bench]
                                  [--items 50000] [--size 80x24] [--rounds 5]

The store is bench/make_store.py's (the real archive + 50,000 generated items), copied afresh for
each session (bench/triage_bench.py's `session`). Reading: `enter` on the first entry (the
article read by `Library.article` in a worker, then painted: `reading_open_painted`), ten `n`
(`next_unread_article_painted`: from the key until the next unread article is painted), `q`
back to the list; `--rounds` times. Undo: `A` answered yes, then `U` (`undo_painted`: from the
key until the list and counts show the entries unread again), `--rounds` times.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import triage_bench  # noqa: E402  (one app session on a fresh copy of the store)
import tui_bench  # noqa: E402  (the pseudo-terminal, the store, the timing child)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, default=tui_bench.DEFAULT_ARCHIVE)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "veille-tui-bench")
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--size", default="80x24", help="terminal size, COLSxROWS")
    parser.add_argument("--rounds", type=int, default=5)
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

    size = (cols, rows)
    keys = (["\r", *["n"] * 10, "q", "j"]) * args.rounds
    reading = triage_bench.session(env, args.archive, args.work, db, size, keys)
    undo = triage_bench.session(env, args.archive, args.work, db, size, ["A", "A", "U"] * args.rounds)
    report = {
        "entries": entries,
        "size": args.size,
        "enter_painted_ms": tui_bench._stats(reading.get("reading_open_painted", [])),
        "n_painted_ms": tui_bench._stats(reading.get("next_unread_article_painted", [])),
        "article_render_ms": tui_bench._stats(reading.get("article_render", [])),
        "A_marked_painted_ms": tui_bench._stats(undo.get("mark_view_read_painted", [])),
        "U_painted_ms": tui_bench._stats(undo.get("undo_painted", [])),
    }
    for key, value in report.items():
        print(f"{key}: {value}")
    (args.work / "reading-report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

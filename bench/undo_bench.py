"""The undo history's cost (issue 20, item 3) on bench/make_store.py's store (the real archive +
50,000 generated items = 52,772 entries), every entry unread, then `A` on the All view:

    python bench/undo_bench.py [--archive ../shared/archive/_posts] [--work /tmp/veille-tui-bench]
                               [--items 50000] [--runs 5]

- `A` without a step (undoable=False: the write as it was before the history) and with one: what
  recording the step adds to the write;
- `undo()` of that 52,772-entry step: every entry given back unread, queued for the team server;
- the step's size in the database.

Each figure is the median (and max) of --runs, on a copy of the store made for this bench.

Measured here (2 cores shared with other work, SQLite 3.40, 52,772 entries): `A` 0.47 s without
a step, 0.52 s with it (+0.05 s: the ids it changes gathered as one JSON array, one row of
0.3 MB); `undo()` 0.42 s (the same write as `A`, the other way: the entries, their partial
indexes and the outbox).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_store  # noqa: E402  (bench/make_store.py)
from veille_tui.core.store import Store  # noqa: E402


def copy_store(work: Path, archive: Path, items: int) -> Path:
    source = work / "data" / "veille.db"
    if not source.exists():
        source.parent.mkdir(parents=True, exist_ok=True)
        print(f"building {source} ({items} items + {archive})…", file=sys.stderr)
        make_store.make(source, items, archive).close()
    run = work / "undo"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    for suffix in ("", "-wal", "-shm"):
        if Path(str(source) + suffix).exists():
            shutil.copy(Path(str(source) + suffix), run / f"veille.db{suffix}")
    return run / "veille.db"


def all_unread(store: Store) -> None:
    with store.transaction():
        store.db.execute("UPDATE entries SET read = 0 WHERE read = 1")
        store.db.execute("DELETE FROM outbox")
        store.db.execute("DELETE FROM undo_steps")


def stats(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms (max {max(values) * 1000:.0f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, default=HERE.parent.parent / "shared" / "archive" / "_posts")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "veille-tui-bench")
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    store = Store(copy_store(args.work, args.archive, args.items))
    ids = store.entry_id_list("")
    print(f"{len(ids):,} entries")
    plain: list[float] = []
    recorded: list[float] = []
    undone: list[float] = []
    size = 0
    for _ in range(args.runs):
        all_unread(store)
        started = time.perf_counter()
        store.mark_all_read(ids, undoable=False)
        plain.append(time.perf_counter() - started)
        all_unread(store)
        started = time.perf_counter()
        marked = store.mark_all_read(ids)
        recorded.append(time.perf_counter() - started)
        size = store.db.execute("SELECT length(read_ids) FROM undo_steps").fetchone()[0]
        started = time.perf_counter()
        done = store.undo_last()
        undone.append(time.perf_counter() - started)
        assert done is not None and done[1] == marked == len(ids), (done, marked)
        assert store.count("is:unread") == len(ids)
    store.close()
    print(f"A without a step: {stats(plain)}")
    print(f"A with its step:  {stats(recorded)}  (the step: {size / 1e6:.2f} MB)")
    print(f"undo():           {stats(undone)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

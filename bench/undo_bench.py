"""The undo history's cost (issue 20, item 3) on bench/make_store.py's store (the real archive +
50,000 generated items = 52,772 entries), every entry unread, then `A` on the All view:

    python bench/undo_bench.py [--archive ../shared/archive/_posts] [--work /tmp/veille-tui-bench]
                               [--items 50000] [--runs 5]

- `A` without a step (undoable=False: the write as it was before the history) and with one: what
  recording the step adds to the write;
- `next_undo()` (what the TUI paints at once: the step read, its ids parsed) and `undo()` of that
  52,772-entry step: every entry given back unread, queued for the team server;
- the step's size in the database.

Each figure is the median (and max) of --runs, wall clock and the process's CPU time, on a copy
of the store made for this bench.

Measured here (2 cores shared by six engineers' work, load average 12-15, SQLite 3.40, 52,772
entries, 7 runs): `A` 1.7 s wall / 0.41 s CPU without a step, 1.6 s / 0.39 s with it (the
step adds nothing measurable beside the write: one SELECT gathering the ids as one JSON array,
one row of 0.31 MB); `next_undo()` 21 ms wall / 4 ms CPU; `undo()` 1.6 s wall / 0.38 s CPU (the
write of `A` the other way: the entries, their partial indexes, the outbox). So `U` paints from
`next_undo()` and commits `undo()` in a worker, as `A` does.
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
from veille_tui.core.library import _undone  # noqa: E402
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


def stats(values: list[tuple[float, float]]) -> str:
    wall, cpu = [w for w, _ in values], [c for _, c in values]
    return (
        f"{statistics.median(wall) * 1000:.0f} ms (max {max(wall) * 1000:.0f});"
        f" CPU {statistics.median(cpu) * 1000:.0f} ms"
    )


class Timer:
    def __init__(self, into: list[tuple[float, float]]) -> None:
        self.into = into

    def __enter__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def __exit__(self, *exc: object) -> None:
        self.into.append((time.perf_counter() - self.wall, time.process_time() - self.cpu))


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
    plain: list[tuple[float, float]] = []
    recorded: list[tuple[float, float]] = []
    undone: list[tuple[float, float]] = []
    looked: list[tuple[float, float]] = []
    size = 0
    for _ in range(args.runs):
        all_unread(store)
        with Timer(plain):
            store.mark_all_read(ids, undoable=False)
        all_unread(store)
        with Timer(recorded):
            marked = store.mark_all_read(ids)
        size = store.db.execute("SELECT length(read_ids) FROM undo_steps").fetchone()[0]
        with Timer(looked):
            shown = _undone(store.newest_step())  # Library.next_undo: what the TUI can paint at once
        assert shown is not None and len(shown.read_ids) == len(ids)
        with Timer(undone):
            done = store.undo_last()
        assert done is not None and done.entries == marked == len(ids), (done, marked)
        assert store.count("is:unread") == len(ids)
    store.close()
    print(f"A without a step: {stats(plain)}")
    print(f"A with its step:  {stats(recorded)}  (the step: {size / 1e6:.2f} MB)")
    print(f"next_undo():      {stats(looked)}  (the step read, its ids parsed)")
    print(f"undo():           {stats(undone)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

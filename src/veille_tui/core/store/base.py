"""The connection, its PRAGMAs, the migrations, transactions and the meta table."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from veille_tui.core.errors import StoreError, database_error
from veille_tui.core.models import Asset, Rule
from veille_tui.core.store.schema import MIGRATIONS, statements

T = TypeVar("T")

# a feed as the user sees it: its title in the config, else the feed's own title, else its URL
FEED_NAME = "COALESCE(NULLIF(f.title, ''), f.site_title, f.url)"
BUSY_TIMEOUT_MS = 10_000  # how long a write waits for another connection's


class StoreBase:
    """The database connection; the per-domain parts of Store build on it."""

    defer_clusters = False  # write batches note their entries for one cluster pass (clusters_deferred)
    assets: tuple[Asset, ...] | None = None  # the config's [[assets]]; None: not known here (left as they are)

    def __init__(
        self, path: Path | str, watch: Iterable[str] | None = None, rules: Sequence[Rule] | None = None
    ) -> None:
        """watch, rules: the config's; None: not known here (a read-only look, such as the doctor's):
        what the database holds is left as it is."""
        self.path = Path(path)
        self.synced = (watch is not None, rules is not None)
        self.watch = tuple(w for w in watch or () if w.strip())
        self.rules = tuple(rules or ())
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(str(path), timeout=10.0, isolation_level=None, check_same_thread=False)
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise self._explained(exc) from None

    def _explained(self, exc: sqlite3.DatabaseError) -> StoreError:
        return database_error(self.path, exc)

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        version = self._user_version()
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: made by a newer veille-tui (schema {version}, this one knows {len(MIGRATIONS)});"
                " upgrade veille-tui"
            )
        if version == len(MIGRATIONS):
            return
        with self.transaction():
            for number in range(self._user_version(), len(MIGRATIONS)):
                for statement in statements(MIGRATIONS[number]):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number + 1}")

    def _user_version(self) -> int:
        (version,) = self.db.execute("PRAGMA user_version").fetchone()
        return int(version)

    def transaction(self) -> Transaction:
        return Transaction(self.db)

    def commit_so_far(self) -> None:
        """What the transaction under way wrote so far committed, and a new one begun in its place
        (the outer `transaction()` block commits that one): other connections, a helper process's,
        see what came before."""
        if self.db.in_transaction:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN IMMEDIATE")

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def any_hidden(self) -> bool:
        """Does a rule hide any entry? (Without, queries need no filter: a few microseconds, through
        the partial index of hidden entries.)"""
        return self.db.execute("SELECT 1 FROM entries WHERE hidden = 1 LIMIT 1").fetchone() is not None

    def _set_text(self, entry_id: int, title: str, body: str) -> None:
        """An entry's title and body, searchable (entries_fts is also where bodies are kept)."""
        self.db.execute("DELETE FROM entries_fts WHERE rowid = ?", (entry_id,))
        self.db.execute("INSERT INTO entries_fts (rowid, title, body) VALUES (?, ?, ?)", (entry_id, title, body))


class Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error; re-entrant (inner ones join the outer)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.outer = False

    def __enter__(self) -> sqlite3.Connection:
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")
            self.outer = True
        return self.db

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self.outer:
            return
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")


def iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts))


# An item dated more than this after it was fetched is listed at its fetch time (its own date is
# kept in `items` and shown with the entry): a feed's clock or a typo must not pin it on top.
FUTURE_SLACK = 86400


def listed_when(date: str | None, ts: int | None, fetched: float) -> tuple[str, int]:
    """The date an entry of this item is listed and sorted at: its own, unless it has none or it
    lies more than FUTURE_SLACK ahead of the fetch."""
    if date is None or ts is None or ts > fetched + FUTURE_SLACK:
        return iso(fetched), int(fetched)
    return date, ts


def chunks(seq: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    """Slices of at most size (SQLite caps the `?` of one statement)."""
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def marks(values: Sequence[object]) -> str:
    """`?, ?, ?` for an `IN (...)` of these values."""
    return ",".join("?" * len(values))

"""A write batch as the enrich steps see it, and the derived tags they give back."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

from veille_tui.core.models import Rule

T = TypeVar("T")


class Text(NamedTuple):
    title: str
    body: str


@dataclass
class Batch:
    """The entries one write batch made or changed. Their own tags (post, feeds, categories) are
    written already; the steps add what derives from them."""

    db: sqlite3.Connection
    ids: Sequence[int]
    watch: tuple[str, ...] = ()  # the watch terms (config)
    rules: tuple[Rule, ...] = ()  # the [[rules]] (config)
    alerts: bool = False  # a fetch: entries matching the watch list for the first time are alerts
    known_texts: Mapping[int, Text] = field(default_factory=dict)  # what the writer had at hand
    _texts: dict[int, Text] | None = field(default=None, init=False, repr=False)

    def texts(self) -> Mapping[int, Text]:
        """Title and body of every entry of the batch: those the writer gave, the others from entries_fts."""
        if self._texts is None:
            texts = {i: self.known_texts[i] for i in self.ids if i in self.known_texts}
            missing = [i for i in self.ids if i not in texts]
            for chunk in chunks(missing):
                for rowid, title, body in self.db.execute(
                    f"SELECT rowid, title, body FROM entries_fts WHERE rowid IN ({marks(chunk)})", chunk
                ):
                    texts[rowid] = Text(title, body or "")
            self._texts = texts
        return self._texts


# A step derives something from the entries of a batch: it writes its own tables and returns the
# derived tags, by entry id, that the pass adds to the entries' tags.
Step = Callable[[Batch], Mapping[int, Sequence[str]]]


def add_tags(db: sqlite3.Connection, derived: Mapping[int, Sequence[str]]) -> None:
    """Derived tags join the entries' tags: rows of entry_tags, and the tags column (display) after
    the entry's own tags, in the order of the steps."""
    if not derived:
        return
    db.executemany(
        "INSERT OR IGNORE INTO entry_tags (tag, entry_id) VALUES (?, ?)",
        [(tag, entry_id) for entry_id, tags in derived.items() for tag in tags],
    )
    ids = list(derived)
    updates: list[tuple[str, int]] = []
    for chunk in chunks(ids):
        for entry_id, shown in db.execute(f"SELECT id, tags FROM entries WHERE id IN ({marks(chunk)})", chunk):
            tags = shown.split()
            added = [t for t in dict.fromkeys(derived[entry_id]) if t not in tags]
            if added:
                updates.append((" ".join([*tags, *added]), entry_id))
    db.executemany("UPDATE entries SET tags = ? WHERE id = ?", updates)


def chunks(seq: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))

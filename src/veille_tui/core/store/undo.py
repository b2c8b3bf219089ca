"""The undo history of read/starred changes made by the analyst (`U` in the TUI, `mark --undo`):
one row per change, the entries it changed as one JSON array per field, so that marking 50,000
entries read costs one row, and undoing it one UPDATE. Kept in the database: a restart or a second
process undoes the same history. The rules' changes and the team server's states are not the
analyst's doing here: they never make a step."""

from __future__ import annotations

import time
from typing import NamedTuple

from veille_tui.core.store.base import StoreBase

KEEP_STEPS = 50  # the newest steps kept (the issue asks for at least 20)


class Change(NamedTuple):
    """One field set by hand on some entries: what it was set to, the ids it changed (JSON)."""

    what: str  # 'read' | 'starred'
    value: bool
    ids: str  # a JSON array of the entries it changed
    entries: int  # how many it changed


def describe(changes: list[Change]) -> str:
    """What a change did, as the user reads it: "mark 294 entries read", "star 1 entry"."""
    parts = []
    for change in changes:
        noun = "entry" if change.entries == 1 else "entries"
        if change.what == "read":
            parts.append(f"mark {change.entries:,} {noun} {'read' if change.value else 'unread'}")
        else:
            parts.append(f"{'star' if change.value else 'unstar'} {change.entries:,} {noun}")
    return ", ".join(parts)


class Step(NamedTuple):
    """A row of `undo_steps`: per field, the value the entries had before and their ids (JSON)."""

    id: int
    what: str
    entries: int
    read_was: int | None
    read_ids: str | None
    star_was: int | None
    star_ids: str | None


class UndoMixin(StoreBase):
    """The undo history's table; StateMixin.undo_last applies a step."""

    def _record_step(self, changes: list[Change]) -> None:
        """One undo step for these changes (those that changed nothing are left out), and the
        history cut to its newest KEEP_STEPS; in the caller's transaction."""
        changes = [c for c in changes if c.entries]
        if not changes:
            return
        by_field = {c.what: c for c in changes}
        read, starred = by_field.get("read"), by_field.get("starred")
        if read and starred:
            (entries,) = self.db.execute(
                "SELECT count(*) FROM (SELECT value FROM json_each(?) UNION SELECT value FROM json_each(?))",
                (read.ids, starred.ids),
            ).fetchone()
        else:
            entries = changes[0].entries
        self.db.execute(
            "INSERT INTO undo_steps (made, what, entries, read_was, read_ids, star_was, star_ids)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                time.time(),
                describe(changes),
                entries,
                None if read is None else int(not read.value),
                None if read is None else read.ids,
                None if starred is None else int(not starred.value),
                None if starred is None else starred.ids,
            ),
        )
        self.db.execute("DELETE FROM undo_steps WHERE id <= (SELECT max(id) FROM undo_steps) - ?", (KEEP_STEPS,))

    def undo_steps(self) -> int:
        """How many steps can be undone."""
        return int(self.db.execute("SELECT count(*) FROM undo_steps").fetchone()[0])

    def newest_step(self) -> Step | None:
        """The step `undo` takes next (None: nothing to undo)."""
        row = self.db.execute(
            "SELECT id, what, entries, read_was, read_ids, star_was, star_ids FROM undo_steps ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return None if row is None else Step._make(row)

    def _drop_step(self, step: int) -> None:
        self.db.execute("DELETE FROM undo_steps WHERE id = ?", (step,))

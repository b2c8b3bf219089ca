"""Library's part for read/starred state: the analyst's changes (each one step of the undo
history, the newest 50 kept in the database), undo, and the state exported or imported."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from veille_tui.core.api import Part
from veille_tui.core.models import Undone

if TYPE_CHECKING:
    from veille_tui.core.store.undo import Step


class StatePart(Part):
    # Each change made here is one step of the undo history (the newest 50 kept in the database),
    # but those made with undoable=False (such as an entry marked read because it was opened, if
    # the front end wants it so); the rules' changes and the team server's states never are.

    def set_read(self, entry_id: int, read: bool = True, *, undoable: bool = True) -> None:
        self.store.set_read(entry_id, read, undoable=undoable)

    def set_starred(self, entry_id: int, starred: bool = True, *, undoable: bool = True) -> None:
        self.store.set_starred(entry_id, starred, undoable=undoable)

    def mark_all_read(self, ids: Sequence[int]) -> int:
        """Mark these entries read (one undo step); returns how many were unread."""
        return self.store.mark_all_read(ids)

    def mark(self, ids: Sequence[int], *, read: bool | None = None, starred: bool | None = None) -> int:
        """Set read and/or starred on these entries (`mark`; one undo step), queued for the team
        server like any change; returns how many changes were made."""
        return self.store.set_state(ids, read=read, starred=starred)

    def undo(self) -> Undone | None:
        """Take back the newest read/starred change (`U`, `mark --undo`): every entry it changed
        gets the state it had before, queued for the team server like any change; the step before
        it is next. None when there is nothing to undo."""
        return _undone(self.store.undo_last())

    def next_undo(self) -> Undone | None:
        """What `undo` would take back now, nothing done (one row read): a front end shows it at
        once and undoes in a worker."""
        return _undone(self.store.newest_step())

    def undo_steps(self) -> int:
        """How many changes can be undone."""
        return self.store.undo_steps()

    def export_state(self) -> list[dict[str, Any]]:
        return self.store.export_state()

    def import_state(self, records: Iterable[dict[str, Any]]) -> int:
        return self.store.import_state(records)


def _undone(step: Step | None) -> Undone | None:
    if step is None:
        return None
    read = None if step.read_was is None else bool(step.read_was)
    starred = None if step.star_was is None else bool(step.star_was)
    return Undone(
        step.what,
        step.entries,
        read,
        tuple(json.loads(step.read_ids)) if step.read_ids else (),
        starred,
        tuple(json.loads(step.star_ids)) if step.star_ids else (),
    )

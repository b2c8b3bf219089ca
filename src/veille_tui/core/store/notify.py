"""The notifications' outbox: each message waits here until its target took it (state queued ->
sending -> sent), and per target the marks of the alerts already put in a message. The flow is
core/notify/outbox.py's; this is its SQL."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from veille_tui.core.store.base import StoreBase


class OutboxRow(NamedTuple):
    id: int
    target: str
    title: str
    body: str
    created: float
    state: str  # queued | sending | sent
    token: str | None  # who is sending it: "pid:random"
    attempts: int
    last_try: float | None
    last_error: str | None


OUTBOX_COLUMNS = ", ".join(OutboxRow._fields)


class NotifyMixin(StoreBase):
    def notify_mark(self, target: str) -> tuple[int, int] | None:
        row = self.db.execute("SELECT watch, alerts FROM notify_marks WHERE target = ?", (target,)).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    def set_notify_mark(self, target: str, mark: tuple[int, int]) -> None:
        self.db.execute(
            "INSERT INTO notify_marks (target, watch, alerts) VALUES (?, ?, ?)"
            " ON CONFLICT (target) DO UPDATE SET watch = excluded.watch, alerts = excluded.alerts",
            (target, *mark),
        )

    def matching_ids(self, where: str, params: Sequence[Any], ids: Sequence[int]) -> set[int]:
        """Those of these entries a compiled query condition (over `entries e`) matches."""
        return {
            i
            for (i,) in self.db.execute(
                f"SELECT e.id FROM entries e WHERE e.id IN (SELECT value FROM json_each(?)) AND ({where})",
                (json.dumps(list(ids)), *params),
            )
        }

    def queue_message(self, target: str, title: str, body: str, now: float) -> int:
        cursor = self.db.execute(
            "INSERT INTO notify_outbox (target, title, body, created) VALUES (?, ?, ?, ?)", (target, title, body, now)
        )
        return int(cursor.lastrowid or 0)

    def waiting_messages(self, target: str | None = None) -> list[OutboxRow]:
        """The messages not sent yet (of one target), oldest first."""
        scope, params = ("AND target = ?", (target,)) if target is not None else ("", ())
        return [
            OutboxRow._make(r)
            for r in self.db.execute(
                f"SELECT {OUTBOX_COLUMNS} FROM notify_outbox WHERE state != 'sent' {scope} ORDER BY id", params
            )
        ]

    def outbox_row(self, message_id: int) -> OutboxRow | None:
        row = self.db.execute(f"SELECT {OUTBOX_COLUMNS} FROM notify_outbox WHERE id = ?", (message_id,)).fetchone()
        return OutboxRow._make(row) if row else None

    def claim_message(self, message_id: int, was: str | None, token: str, now: float) -> bool:
        """Take a message for sending (compare and set: it is still as seen, `was` its token then)."""
        cursor = self.db.execute(
            "UPDATE notify_outbox SET state = 'sending', token = ?, attempts = attempts + 1, last_try = ?"
            " WHERE id = ? AND state != 'sent' AND token IS ?",
            (token, now, message_id, was),
        )
        return cursor.rowcount == 1

    def finish_message(self, message_id: int, token: str, sent: bool, detail: str, now: float) -> None:
        """The target's answer recorded: sent, or back in the queue with its error (if still ours)."""
        if sent:
            self.db.execute(
                "UPDATE notify_outbox SET state = 'sent', sent = ?, last_error = NULL WHERE id = ? AND token = ?",
                (now, message_id, token),
            )
        else:
            self.db.execute(
                "UPDATE notify_outbox SET state = 'queued', token = NULL, last_error = ? WHERE id = ? AND token = ?",
                (detail, message_id, token),
            )

    def prune_outbox(self, before: float) -> None:
        """Sent messages older than `before` forgotten (the waiting ones are kept whatever their age)."""
        self.db.execute("DELETE FROM notify_outbox WHERE state = 'sent' AND sent < ?", (before,))

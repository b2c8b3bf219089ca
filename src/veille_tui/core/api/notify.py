"""Library's notifications: before and after a fetch (the new matches queued, the waiting messages
sent; a failure is an outcome, never the fetch's), `notify test`, what waits (doctor)."""

from __future__ import annotations

import logging

from veille_tui.core.api import Part
from veille_tui.core.models import NotifyOutcome

log = logging.getLogger(__name__)


class NotifyPart(Part):
    notified: list[NotifyOutcome] = []  # what the targets answered after the last fetch

    def notify_prepare(self) -> None:
        """Before a fetch: the targets seen for the first time start from now."""
        if not self.settings.notify:
            return
        from veille_tui.core.notify import outbox

        try:
            outbox.prepare(self.store, self.settings.notify)
        except Exception:  # never the fetch's failure
            log.exception("notifications: prepare")

    def notify_after_fetch(self) -> list[NotifyOutcome]:
        """After a fetch: its new matches in one message per target (queued), then every waiting
        message sent. What each target answered (also kept in `notified`)."""
        if not self.settings.notify:
            self.notified = []
            return []
        from veille_tui.core.notify import outbox

        try:
            outbox.queue(self.store, self.settings.notify, self.settings.assets)
            self.notified = outbox.flush(self.store, self.settings.notify)
        except Exception as exc:  # a failing target never fails the fetch
            log.exception("notifications")
            self.notified = [NotifyOutcome("notifications", False, f"{type(exc).__name__}: {exc}")]
        return self.notified

    def notify_test(self) -> list[NotifyOutcome]:
        """A test message to each [[notify]] target, and what each answered."""
        from veille_tui.core.notify import outbox

        return outbox.test(self.settings.notify)

    def notify_waiting(self) -> dict[str, int]:
        """Messages waiting, by target label (doctor)."""
        labels = {t.key: t.label for t in self.settings.notify}
        waiting: dict[str, int] = {}
        for row in self.store.waiting_messages():
            label = labels.get(row.target, f"a target no longer in the config ({row.target})")
            waiting[label] = waiting.get(label, 0) + 1
        return waiting

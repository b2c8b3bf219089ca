"""Library's team server: one sync, a feed pushed, the sync state."""

from __future__ import annotations

from veille_tui.core.api import Part
from veille_tui.core.errors import SyncError
from veille_tui.core.models import SyncOutcome


class ServerPart(Part):
    @property
    def sync_configured(self) -> bool:
        return self.settings.sync is not None

    def sync(self) -> SyncOutcome:
        """One sync with the [sync] server (core/sync/engine.py): its feeds and items in, the queued
        changes out, its states in. A server that fails is in the outcome (ok False, the reason);
        the cache and the queue are kept. Raises SyncError when there is no [sync]."""
        if self.settings.sync is None:
            raise SyncError(f"no team server: add a [sync] table (url, user, password_file) to {self.settings.path}")
        from veille_tui.core.sync.engine import sync

        return sync(self.store, self.settings.sync, self.settings.fetch.timeout)

    def push_feed(self, url: str) -> str:
        """Subscribe the team server to a feed (`feeds add --server`); returns its stream id there."""
        if self.settings.sync is None:
            raise SyncError(f"no team server: add a [sync] table (url, user, password_file) to {self.settings.path}")
        from veille_tui.core.sync.engine import push_feed

        return push_feed(self.settings.sync, url, self.settings.fetch.timeout)

    def sync_state(self) -> tuple[int, str | None]:
        """(changes waiting to be pushed, the last sync's error or None): the status line's."""
        store = self.store
        return store.pending_changes(), store.sync_meta("last_error")

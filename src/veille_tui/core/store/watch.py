"""Watch alerts: the entries a fetch made match the watch list for the first time (written by
core/enrich/watch.py), read by those who tell the analyst (the TUI's bell, `fetch --watch`)."""

from __future__ import annotations

import json

from veille_tui.core.models import WatchMatch
from veille_tui.core.store.base import StoreBase


class WatchMixin(StoreBase):
    def last_alert(self) -> int:
        """The number of the newest alert (0: none yet): what a reader has seen so far."""
        (seq,) = self.db.execute("SELECT COALESCE(max(seq), 0) FROM watch_alerts").fetchone()
        return int(seq)

    def alerts_seen(self) -> int | None:
        """The number of the newest alert a TUI has told (None: no TUI has told any here yet)."""
        seen = self._meta("watch_alerts_seen")
        return int(seen) if seen and seen.isdigit() else None

    def set_alerts_seen(self, seq: int) -> None:
        """A TUI told the alerts up to seq (kept: the next start tells those after it)."""
        if seq <= (self.alerts_seen() or 0):  # nothing to write (most starts): no write lock taken
            return
        with self.transaction():
            if seq > (self.alerts_seen() or 0):
                self._set_meta("watch_alerts_seen", str(seq))

    def alerts_after(self, seq: int) -> tuple[int, list[WatchMatch]]:
        """The alerts newer than seq, oldest first, and the number of the newest (entries since
        gone, or hidden by a rule, are left out)."""
        last = max(seq, self.last_alert())
        rows = self.db.execute(
            "SELECT a.seq, e.id, e.title, e.link, w.terms FROM watch_alerts a JOIN entries e ON e.id = a.entry_id"
            " JOIN entry_watch w ON w.entry_id = e.id WHERE a.seq > ? AND a.seq <= ? AND e.hidden = 0 ORDER BY a.seq",
            (seq, last),
        ).fetchall()
        found: dict[int, WatchMatch] = {}
        for _seq, entry_id, title, link, terms in rows:
            found.setdefault(entry_id, WatchMatch(entry_id, title, link, tuple(json.loads(terms))))
        return last, list(found.values())

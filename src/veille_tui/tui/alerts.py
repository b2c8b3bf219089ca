"""Watch alerts in the TUI: when a fetch (`r`/`R`, or a `veille-tui fetch` from another process
seen by tui/watcher.py) makes entries match the watch list for the first time, one bell and one
notification counting all of them and naming up to SHOWN.

Alerts are numbered in the store (core/store/watch.py); the screen keeps the number it has read,
so that a fetch seen twice (its own worker, then the poll) rings once. What another process's fetch
brings is seen by the poll batch after batch: its matches wait (`pending`) until that fetch has
settled, then one notification tells them all. The number last told is kept in the database: at
start, the matches of the fetches made while the TUI was closed are told, "since you last looked".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from veille_tui.core.models import WatchMatch
from veille_tui.core.text import clean_line

SHOWN = 5
TITLE_WIDTH = 70


@dataclass
class Alert:
    title: str
    text: str


class WatchAlerts:
    """The alerts read so far: `mark` is the number of the newest; `pending`, those read and not
    told yet (by entry: an entry is one match, however many alerts name it)."""

    def __init__(self, mark: int) -> None:
        self.mark = mark
        self.pending: dict[int, WatchMatch] = {}

    def take(self, mark: int, matches: Sequence[WatchMatch]) -> bool:
        """Note the alerts read up to `mark` (matches: those after the mark they were read from);
        True when one of them is new."""
        if mark <= self.mark:
            return False
        self.mark = mark
        fresh = [m for m in matches if m.id not in self.pending]
        for match in matches:
            self.pending.setdefault(match.id, match)
        return bool(fresh)

    def flush(self, since_last_looked: bool = False) -> Alert | None:
        """One notification of every match noted and not told yet (None: none)."""
        if not self.pending:
            return None
        told = alert(list(self.pending.values()), since_last_looked)
        self.pending.clear()
        return told


def alert(matches: Sequence[WatchMatch], since_last_looked: bool = False) -> Alert:
    """`Watch: 7 new matches` and the first SHOWN titles, each with its terms, then `+N more`."""
    count = len(matches)
    lines = []
    for match in matches[:SHOWN]:
        title = clean_line(match.title) or "(untitled)"
        if len(title) > TITLE_WIDTH:
            title = title[: TITLE_WIDTH - 1] + "…"
        terms = ", ".join(clean_line(t) for t in match.terms)
        lines.append(f"• {title} [{terms}]")
    if count > SHOWN:
        lines.append(f"+{count - SHOWN} more (the Watch view lists them)")
    since = " since you last looked" if since_last_looked else ""
    return Alert(f"Watch: {count} new match{'es' if count != 1 else ''}{since}", "\n".join(lines))

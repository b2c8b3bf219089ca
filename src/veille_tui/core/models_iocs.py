"""Indicators of compromise as the front ends receive them (re-exported by models.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple


class Ioc(NamedTuple):
    """An indicator an entry names: its type, its plain value, where it was seen."""

    type: str
    value: str  # refanged: never shown as is, never copied without saying so
    seen_in: tuple[str, ...] = ()

    @property
    def defanged(self) -> str:
        from veille_tui.core.iocs.defang import defang  # the iocs package when first shown, not at start

        return defang(self.type, self.value)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "value": self.value, "defanged": self.defanged, "seen_in": list(self.seen_in)}


class IocSummary(NamedTuple):
    """One line of `iocs` and of the TUI's IOC view."""

    type: str
    value: str
    entries: int
    first_ts: int
    last_ts: int

    @property
    def defanged(self) -> str:
        from veille_tui.core.iocs.defang import defang  # the iocs package when first shown, not at start

        return defang(self.type, self.value)

    @property
    def first_seen(self) -> str:
        return _day(self.first_ts)

    @property
    def last_seen(self) -> str:
        return _day(self.last_ts)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "value": self.value,
            "defanged": self.defanged,
            "entries": self.entries,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
        }


def _day(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")

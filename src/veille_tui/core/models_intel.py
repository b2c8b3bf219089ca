"""Plain data of CVE intelligence and of the team server's sync, as the layers hand them each
other (re-exported by core/models.py, where the front ends read them). No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

# --- CVE intelligence (core/intel.py reads, loads and downloads it) -----------------------------

IntelKind = Literal["kev", "epss"]
INTEL_LABELS: dict[str, str] = {"kev": "KEV catalogue", "epss": "EPSS scores"}
NVD_URL = "https://nvd.nist.gov/vuln/detail/{cve}"


@dataclass
class SyncOutcome:
    """What one sync with the team server did (`sync --json`, the status line)."""

    server: str  # the API URL
    ok: bool = True
    error: str | None = None  # why the server failed (the cache and the queue are kept)
    feeds: int = 0  # subscriptions on the server
    new_feeds: int = 0  # of them, new here
    items: int = 0  # items that came in
    dropped: int = 0  # items the server sent that could not be read
    pushed: int = 0  # changes made here that reached the server
    pulled: int = 0  # entries whose state changed on the server
    pending: int = 0  # changes made here still waiting
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # what the server did wrong that the sync got past

    def summary(self) -> str:
        if not self.ok:
            return f"sync failed: {self.error} ({self.pending} change(s) wait)"
        return (
            f"synced with {self.server}: {self.feeds} feeds ({self.new_feeds} new), {self.items} new items,"
            f" {self.pushed} change(s) pushed, {self.pulled} pulled, {self.pending} waiting ({self.seconds:.2f} s)"
        ) + "".join(f"\n  {note}" for note in self.notes)


@dataclass(frozen=True)
class KevRecord:
    """A CVE's entry in CISA's Known Exploited Vulnerabilities catalogue."""

    cve: str
    vendor: str
    product: str
    name: str
    date_added: str
    due_date: str | None
    ransomware: str  # knownRansomwareCampaignUse: "Known", "Unknown" (or "" when not given)
    description: str = ""
    action: str = ""
    notes: str = ""
    cwes: tuple[str, ...] = ()

    @property
    def known_ransomware(self) -> bool:
        return self.ransomware.lower() == "known"

    def to_json(self) -> dict[str, Any]:
        """CISA's own field names, so that the record reads as the catalogue has it."""
        return {
            "cveID": self.cve,
            "vendorProject": self.vendor,
            "product": self.product,
            "vulnerabilityName": self.name,
            "dateAdded": self.date_added,
            "shortDescription": self.description,
            "requiredAction": self.action,
            "dueDate": self.due_date,
            "knownRansomwareCampaignUse": self.ransomware,
            "notes": self.notes,
            "cwes": list(self.cwes),
        }

    def summary(self) -> str:
        """One line: `KEV: added 2026-05-12, due 2026-06-02, known ransomware use`."""
        parts = [f"added {self.date_added}"]
        if self.due_date:
            parts.append(f"due {self.due_date}")
        if self.known_ransomware:
            parts.append("known ransomware use")
        return "KEV: " + ", ".join(parts)


def nvd_url(cve: str) -> str:
    return NVD_URL.format(cve=cve)


@dataclass(frozen=True)
class CveIntel:
    """What is known of one CVE id: its KEV record and EPSS score, when loaded."""

    cve: str
    kev: KevRecord | None = None
    epss: float | None = None
    percentile: float | None = None

    @property
    def nvd(self) -> str:
        return nvd_url(self.cve)

    def epss_text(self) -> str | None:
        """`EPSS 0.943 (99th percentile)`, or None without a score."""
        if self.epss is None:
            return None
        text = f"EPSS {self.epss:.3f}"
        if self.percentile is not None:
            text += f" ({ordinal(self.percentile * 100)} percentile)"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "cve": self.cve,
            "kev": self.kev.to_json() if self.kev else None,
            "epss": self.epss,
            "percentile": self.percentile,
            "nvd": self.nvd,
        }


def ordinal(value: float) -> str:
    """99.1 -> `99th`; below 1 -> `<1st`."""
    n = int(value // 1)
    if n < 1:
        return "<1st"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class CveSummary(NamedTuple):
    """One line of `cves` and of the TUI's CVE view (a named tuple: a view can hold 10,000s of
    them, made three times faster than frozen dataclasses)."""

    cve: str
    entries: int
    first_seen: str  # the day (UTC, YYYY-MM-DD) of the first entry naming it
    last_seen: str
    last_ts: int
    sources: tuple[str, ...]
    kev: KevRecord | None
    epss: float | None
    percentile: float | None
    trend: float  # weighted mentions in the window
    previous: float  # the same in the window before

    @property
    def change(self) -> float:
        return self.trend - self.previous

    def to_json(self) -> dict[str, Any]:
        return {
            "cve": self.cve,
            "entries": self.entries,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "sources": list(self.sources),
            "kev": self.kev.to_json() if self.kev else None,
            "epss": self.epss,
            "percentile": self.percentile,
            "trend": round(self.trend, 3),
            "trend_previous": round(self.previous, 3),
        }


@dataclass(frozen=True)
class IntelStatus:
    """What is loaded of one source, from where, how old."""

    name: IntelKind
    count: int  # rows held now
    origin: str | None
    version: str | None
    released: str | None
    loaded: float | None
    url: str | None
    last_check: float | None
    last_error: str | None

    @property
    def label(self) -> str:
        return INTEL_LABELS[self.name]

    def age(self, now: float | None = None) -> float | None:
        """Seconds since it was loaded (None: never)."""
        import time

        if self.loaded is None:
            return None
        return max(0.0, (time.time() if now is None else now) - self.loaded)

    def to_json(self, now: float | None = None) -> dict[str, Any]:
        age = self.age(now)
        return {
            "name": self.name,
            "count": self.count,
            "origin": self.origin,
            "version": self.version,
            "released": self.released,
            "loaded": _iso(self.loaded),
            "age_hours": round(age / 3600, 1) if age is not None else None,
            "url": self.url,
            "last_check": _iso(self.last_check),
            "last_error": self.last_error,
        }


@dataclass(frozen=True)
class IntelOutcome:
    """One source refreshed or imported, as reported to the user."""

    name: IntelKind
    status: Literal["ok", "unchanged", "error"]
    origin: str
    count: int = 0
    version: str | None = None
    error: str | None = None
    note: str | None = None  # e.g. a new EPSS model, a count that does not match

    @property
    def label(self) -> str:
        return INTEL_LABELS[self.name]

    def describe(self) -> str:
        if self.status == "error":
            return f"{self.label}: FAILED: {self.error}"
        if self.status == "unchanged":
            return f"{self.label}: unchanged ({self.origin})"
        version = f", version {self.version}" if self.version else ""
        note = f" ({self.note})" if self.note else ""
        return f"{self.label}: {self.count:,} loaded from {self.origin}{version}{note}"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "origin": self.origin,
            "count": self.count,
            "version": self.version,
            "error": self.error,
            "note": self.note,
        }


def _iso(ts: float | None) -> str | None:
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts)) if ts is not None else None

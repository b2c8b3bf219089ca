"""CVE intelligence: the KEV catalogue and the EPSS scores (each replaced whole by an import, in
one transaction, so that a failed import leaves what was there), where each came from, and the
reads of `cves`, `show` and the article header.

Parsing and downloading are core/intel.py's; this is its SQL. Rows as named tuples."""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from veille_tui.core.errors import QueryError
from veille_tui.core.store.base import StoreBase, chunks, marks


class KevRow(NamedTuple):
    """One vulnerability of the KEV catalogue, as stored (the columns of `kev`)."""

    cve: str
    vendor: str
    product: str
    name: str
    date_added: str
    due_date: str | None
    ransomware: str  # knownRansomwareCampaignUse: "Known" | "Unknown" | ""
    description: str
    action: str
    notes: str
    cwes: str  # space separated


KEV_COLUMNS = ", ".join(KevRow._fields)


class EpssRow(NamedTuple):
    cve: str
    score: float
    percentile: float


class SourceRow(NamedTuple):
    """Where the KEV or EPSS data came from (the columns of `intel_sources`)."""

    name: str  # kev | epss
    origin: str | None  # the URL or file it was loaded from
    version: str | None  # catalogVersion | model_version
    released: str | None  # dateReleased | score_date
    records: int | None
    loaded: float | None
    url: str | None  # the URL of the conditional GET state below
    etag: str | None
    last_modified: str | None
    last_check: float | None
    last_error: str | None


SOURCE_COLUMNS = ", ".join(SourceRow._fields)


class CveRow(NamedTuple):
    """One CVE id as `cves` lists it: figures over the entries of a query (cve_rows)."""

    cve: str
    entries: int
    first_seen: str  # the day (UTC, YYYY-MM-DD) of the first entry naming it
    last_seen: str
    last_ts: int
    sources: str | None  # the entries' sources, \x1f between them (repeats included)
    trend: float  # weighted mentions in the window
    previous: float  # the same in the window before it
    score: float | None
    percentile: float | None


# the orders of `cves --sort`; ties end on the id, so that the order is stable
CVE_ORDERS = {
    "trend": "round(c.trend, 9) DESC, round(c.trend - c.previous, 9) DESC, c.last_ts DESC, c.entries DESC, c.cve",
    "count": "c.entries DESC, c.last_ts DESC, c.cve",
    "recent": "c.last_ts DESC, c.entries DESC, c.cve",
    "epss": "COALESCE(s.score, -1) DESC, c.entries DESC, c.cve",
}


def _weight(named: int) -> float:
    """An entry naming n CVE ids counts 1/sqrt(n) towards each (a roundup of 40 counts less)."""
    return 1.0 / math.sqrt(named)


class IntelMixin(StoreBase):
    # --- loading --------------------------------------------------------------------------------

    def replace_kev(self, rows: Sequence[KevRow], source: SourceRow) -> None:
        """The catalogue replaced and its source recorded, in one transaction (the caller's, where
        the hooks recompute what derives from it)."""
        with self.transaction():
            self.db.execute("DELETE FROM kev")
            self.db.executemany(f"INSERT OR REPLACE INTO kev ({KEV_COLUMNS}) VALUES ({marks(KevRow._fields)})", rows)
            self._write_source(source)

    def replace_epss(self, rows: Iterable[EpssRow | tuple[str, float, float]], source: SourceRow) -> None:
        """The scores replaced and their source recorded, in one transaction."""
        with self.transaction():
            self.db.execute("DELETE FROM epss")
            self.db.executemany("INSERT OR REPLACE INTO epss (cve, score, percentile) VALUES (?, ?, ?)", rows)
            self._write_source(source)

    def _write_source(self, source: SourceRow) -> None:
        self.db.execute(
            f"INSERT OR REPLACE INTO intel_sources ({SOURCE_COLUMNS}) VALUES ({marks(SourceRow._fields)})", source
        )

    def record_intel_check(
        self,
        name: str,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        error: str | None = None,
        now: float | None = None,
    ) -> None:
        """A download of a source's URL that loaded nothing: unchanged (304: its validators kept,
        or refreshed) or failed (error: the data loaded before stays)."""
        now = time.time() if now is None else now
        with self.transaction():
            self.db.execute("INSERT OR IGNORE INTO intel_sources (name) VALUES (?)", (name,))
            if error is None:
                self.db.execute(
                    "UPDATE intel_sources SET url = ?, etag = COALESCE(?, etag),"
                    " last_modified = COALESCE(?, last_modified), last_check = ?, last_error = NULL WHERE name = ?",
                    (url, etag, last_modified, now, name),
                )
            else:  # the validators belong to the URL they came from
                self.db.execute(
                    "UPDATE intel_sources SET etag = CASE WHEN url IS ? THEN etag END,"
                    " last_modified = CASE WHEN url IS ? THEN last_modified END,"
                    " url = ?, last_check = ?, last_error = ? WHERE name = ?",
                    (url, url, url, now, error, name),
                )

    # --- reads ----------------------------------------------------------------------------------

    def intel_sources(self) -> dict[str, SourceRow]:
        rows = (SourceRow._make(r) for r in self.db.execute(f"SELECT {SOURCE_COLUMNS} FROM intel_sources"))
        return {row.name: row for row in rows}

    def intel_counts(self) -> dict[str, int]:
        """Rows held now: {"kev": N, "epss": N}."""
        ((kev,),) = self.db.execute("SELECT count(*) FROM kev")
        ((epss,),) = self.db.execute("SELECT count(*) FROM epss")
        return {"kev": int(kev), "epss": int(epss)}

    def cve_rows(
        self,
        where: str,
        params: Sequence[Any],
        *,
        start: float,
        before: float,
        sort: str = "trend",
        only: Sequence[str] | None = None,
        recent: bool = False,
    ) -> list[CveRow]:
        """Per CVE id named by the entries matching `where` (a condition over `entries e`): its
        entries, first and last seen, distinct sources, EPSS, and its trend: the entries naming it
        dated from `start`, each weighted 1/sqrt(number of CVE ids it names), and `previous` the
        same from `before` to `start`. One statement, sorted by CVE_ORDERS[sort].

        only: these CVE ids alone; recent: only the CVE ids named by a matching entry dated from
        `start`, those with a trend: the head of the trend order, read in a few milliseconds (the
        TUI shows it while it reads the rest)."""
        self.db.create_function("veille_cve_weight", 1, _weight, deterministic=True)
        # an entry's weight from its own list of CVE ids (entries.cves, space separated)
        weight = "veille_cve_weight(length(e.cves) - length(replace(e.cves, ' ', '')) + 1)"
        narrow, extra = "", list[Any]()
        if only is not None:
            narrow += f" AND ec.cve IN ({marks(only) or 'NULL'})"
            extra += list(only)
        if recent:
            narrow += (
                " AND ec.cve IN (SELECT ec.cve FROM entry_cves ec JOIN entries e ON e.id = ec.entry_id"
                f" WHERE e.ts >= ? AND ({where}))"
            )
            extra += [start, *params]
        sql = (
            "WITH c AS (SELECT ec.cve AS cve, count(*) AS entries,"
            "  date(min(e.ts), 'unixepoch') AS first_seen, date(max(e.ts), 'unixepoch') AS last_seen,"
            "  max(e.ts) AS last_ts,"
            "  group_concat(e.source, char(31)) AS sources,"
            f"  total(CASE WHEN e.ts >= ? THEN {weight} END) AS trend,"
            f"  total(CASE WHEN e.ts >= ? AND e.ts < ? THEN {weight} END) AS previous"
            "  FROM entry_cves ec JOIN entries e ON e.id = ec.entry_id"
            f"  WHERE ({where}){narrow} GROUP BY ec.cve)"
            " SELECT c.cve, c.entries, c.first_seen, c.last_seen, c.last_ts, c.sources, c.trend, c.previous,"
            "  s.score, s.percentile FROM c LEFT JOIN epss s ON s.cve = c.cve"
            f" ORDER BY {CVE_ORDERS[sort]}"
        )
        values = [start, before, start, *params, *extra]  # in the order of the `?` above
        try:
            return [CveRow._make(r) for r in self.db.execute(sql, values)]
        except sqlite3.OperationalError as exc:
            if "fts5" in str(exc).lower() or "match" in str(exc).lower():
                raise QueryError(f"cannot search for that text: {exc}") from None
            raise

    def kev_rows(self, cves: Sequence[str] | None = None) -> dict[str, KevRow]:
        """KEV records by CVE id: of these ids, or the whole catalogue (about 1,500 rows)."""
        if cves is None:
            return {r[0]: KevRow._make(r) for r in self.db.execute(f"SELECT {KEV_COLUMNS} FROM kev")}
        found: dict[str, KevRow] = {}
        for chunk in chunks(list(cves)):
            for r in self.db.execute(f"SELECT {KEV_COLUMNS} FROM kev WHERE cve IN ({marks(chunk)})", chunk):
                found[r[0]] = KevRow._make(r)
        return found

    def epss_rows(self, cves: Sequence[str]) -> dict[str, EpssRow]:
        found: dict[str, EpssRow] = {}
        for chunk in chunks(list(cves)):
            for r in self.db.execute(f"SELECT cve, score, percentile FROM epss WHERE cve IN ({marks(chunk)})", chunk):
                found[r[0]] = EpssRow._make(r)
        return found

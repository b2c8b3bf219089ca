"""CVE intelligence: CISA's Known Exploited Vulnerabilities catalogue (KEV, JSON) and FIRST's EPSS
scores (CSV, plain or gzipped): reading them, downloading them with the feeds' rules, loading them
into the store, and what the front ends show of them (per CVE: its entries, first and last seen,
sources, KEV record, EPSS score and percentile, trend).

- A file is told KEV or EPSS by its content, never by its name (core/intel_files.py reads and
  checks it). It is read whole and checked before anything is written: a bad file is one
  IntelError naming it, and the data loaded before stays. Each import replaces that source's data
  whole, in one transaction (a catalogue and a day of scores are complete snapshots).
- Downloads: http(s) only, redirects followed, conditional GET (ETag / Last-Modified: an unchanged
  source costs one 304), the feeds' timeout, a size cap on the decoded bytes (INTEL_MAX_BYTES: the
  EPSS CSV is ~10 MB once decompressed, above the feeds' default cap), gzip bombs capped too.
  `fetch` refreshes a source at most once a day (after a failure, again an hour later).
- Trend: the mentions of a CVE in a window (default the last 7 days), each entry weighted
  1/sqrt(number of CVE ids it names), so that a roundup naming 40 CVEs counts less than a story
  about one; `previous` is the same over the window before it, of the same length.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from veille_tui.core import enrich
from veille_tui.core.config import IntelSettings
from veille_tui.core.errors import IntelError
from veille_tui.core.intel_files import INTEL_MAX_BYTES as INTEL_MAX_BYTES
from veille_tui.core.intel_files import Parsed as Parsed
from veille_tui.core.intel_files import ParsedEpss as ParsedEpss
from veille_tui.core.intel_files import ParsedKev as ParsedKev
from veille_tui.core.intel_files import decompress as decompress
from veille_tui.core.intel_files import parse as parse
from veille_tui.core.intel_files import parse_epss as parse_epss
from veille_tui.core.intel_files import parse_kev as parse_kev
from veille_tui.core.models import (
    INTEL_LABELS,
    CveIntel,
    CveSummary,
    FetchSettings,
    IntelKind,
    IntelOutcome,
    IntelStatus,
    KevRecord,
)
from veille_tui.core.store.intel import KevRow, SourceRow

if TYPE_CHECKING:
    from veille_tui.core.store import Store

Kind = IntelKind
KINDS: tuple[Kind, ...] = ("kev", "epss")
LABELS = INTEL_LABELS

REFRESH_EVERY = 86400.0  # `fetch` refreshes a source at most once a day...
RETRY_AFTER_FAILURE = 3600.0  # ...and tries again an hour after a failed download
DEFAULT_WINDOW = "7d"
SORTS = ("trend", "count", "recent", "epss")


def kev_record(row: KevRow) -> KevRecord:
    """A stored KEV row as the model the front ends get."""
    return KevRecord(
        cve=row.cve,
        vendor=row.vendor,
        product=row.product,
        name=row.name,
        date_added=row.date_added,
        due_date=row.due_date,
        ransomware=row.ransomware,
        description=row.description,
        action=row.action,
        notes=row.notes,
        cwes=tuple(row.cwes.split()),
    )


def kev_row(record: KevRecord) -> KevRow:
    return KevRow(
        record.cve,
        record.vendor,
        record.product,
        record.name,
        record.date_added,
        record.due_date,
        record.ransomware,
        record.description,
        record.action,
        record.notes,
        " ".join(record.cwes),
    )


# --- loading ---------------------------------------------------------------------------------------


def load(
    store: Store,
    parsed: Parsed,
    origin: str,
    *,
    url: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    now: float | None = None,
) -> IntelOutcome:
    """Replace a source's data with what a file or download held. url/etag/last_modified: the
    conditional GET state of the URL it came from (a file import clears it: the next download
    must not be a 304 for data no longer held)."""
    now = time.time() if now is None else now
    before = store.intel_sources().get(parsed.kind)
    if url is not None:
        check: tuple[str | None, float | None, str | None] = (url, now, None)
    elif before is not None:  # a file: `fetch` still knows when it last asked its URL
        check = (before.url, before.last_check, before.last_error)
    else:
        check = (None, None, None)
    note: str | None = None
    if isinstance(parsed, ParsedKev):
        count = len(parsed.records)
        source = SourceRow(
            "kev", origin, parsed.version, parsed.released, count, now, check[0], etag, last_modified, *check[1:]
        )
        with store.transaction():
            store.replace_kev([kev_row(record) for record in parsed.records], source)
            enrich.kev_changed(store)
        note = parsed.warning
    else:
        count = len(parsed.rows)
        source = SourceRow(
            "epss", origin, parsed.version, parsed.released, count, now, check[0], etag, last_modified, *check[1:]
        )
        with store.transaction():
            store.replace_epss(parsed.rows, source)
            enrich.epss_changed(store)
        if before is not None and before.version and parsed.version and before.version != parsed.version:
            note = f"new EPSS model {parsed.version} (was {before.version}): scores of the two models differ"
    return IntelOutcome(parsed.kind, "ok", origin, count, parsed.version, note=note)


def import_file(store: Store, path: Path) -> IntelOutcome:
    """`intel import FILE`: a KEV catalogue or EPSS scores copied by hand (host without egress)."""
    try:
        if not path.is_file():
            raise IntelError(f"{path}: not a file" if path.exists() else f"{path}: no such file")
        with path.open("rb") as handle:
            data = handle.read(INTEL_MAX_BYTES + 1)
    except OSError as exc:
        raise IntelError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > INTEL_MAX_BYTES:
        raise IntelError(f"{path}: larger than {INTEL_MAX_BYTES // (1024 * 1024)} MiB: refused")
    parsed = parse(data, str(path))
    return load(store, parsed, str(path))


# --- downloading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    status: Literal["ok", "unchanged"]
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None


async def _get(url: str, etag: str | None, last_modified: str | None, settings: FetchSettings) -> Download:
    from veille_tui.core import net

    accept = "application/json, text/csv, application/gzip, */*;q=0.5"
    try:
        async with net.async_client(settings, accept) as client:
            resp = await net.download(
                client,
                url,
                settings,
                etag=etag,
                last_modified=last_modified,
                max_bytes=max(settings.max_bytes, INTEL_MAX_BYTES),
            )
    except net.NetError as exc:
        raise IntelError(f"{url}: {exc}") from None
    new_etag = resp.headers.get("etag")
    new_modified = resp.headers.get("last-modified")
    if resp.status == 304:
        return Download("unchanged", etag=new_etag or etag, last_modified=new_modified or last_modified)
    if resp.body is None:
        raise IntelError(f"{url}: HTTP {resp.status} {resp.reason_phrase[:60]}".rstrip())
    return Download("ok", resp.body, new_etag, new_modified)


def download(url: str, settings: FetchSettings, etag: str | None = None, last_modified: str | None = None) -> Download:
    from veille_tui.core import net

    return net.run_sync(lambda: _get(url, etag, last_modified, settings))


def due(source: SourceRow | None, url: str, now: float) -> bool:
    """Whether `fetch` should ask this source now: never asked, its URL changed, a day since the
    last answer, an hour since a failure."""
    if source is None or source.last_check is None or source.url != url:
        return True
    wait = RETRY_AFTER_FAILURE if source.last_error else REFRESH_EVERY
    return now - source.last_check >= wait


def update(
    store: Store,
    intel: IntelSettings,
    fetch: FetchSettings,
    *,
    due_only: bool = False,
    now: float | None = None,
) -> list[IntelOutcome]:
    """Download the KEV catalogue and the EPSS scores from their URLs (conditional GET) and load
    what changed. due_only (the `fetch` path): only the sources due (see `due`). A source that
    fails keeps its data and records the error; the other one goes on."""
    now = time.time() if now is None else now
    sources = store.intel_sources()
    outcomes: list[IntelOutcome] = []
    for name, url in (("kev", intel.kev_url), ("epss", intel.epss_url)):
        kind: Kind = "kev" if name == "kev" else "epss"
        source = sources.get(kind)
        if due_only and not due(source, url, now):
            continue
        same_url = source is not None and source.url == url
        etag = source.etag if same_url and source is not None else None
        modified = source.last_modified if same_url and source is not None else None
        try:
            got = download(url, fetch, etag, modified)
            if got.status == "unchanged":
                store.record_intel_check(kind, url, etag=got.etag, last_modified=got.last_modified, now=now)
                outcomes.append(IntelOutcome(kind, "unchanged", url))
                continue
            parsed = parse(got.body, url)
            if parsed.kind != kind:
                raise IntelError(f"{url}: the {LABELS[kind]} were expected, this is the {LABELS[parsed.kind]}")
            outcomes.append(load(store, parsed, url, url=url, etag=got.etag, last_modified=got.last_modified, now=now))
        except IntelError as exc:
            store.record_intel_check(kind, url, error=str(exc), now=now)
            outcomes.append(IntelOutcome(kind, "error", url, error=str(exc)))
    return outcomes


# --- reads -----------------------------------------------------------------------------------------


def status(store: Store) -> list[IntelStatus]:
    sources = store.intel_sources()
    counts = store.intel_counts()
    found = []
    for kind in KINDS:
        s = sources.get(kind)
        found.append(
            IntelStatus(
                name=kind,
                count=counts[kind],
                origin=s.origin if s else None,
                version=s.version if s else None,
                released=s.released if s else None,
                loaded=s.loaded if s else None,
                url=s.url if s else None,
                last_check=s.last_check if s else None,
                last_error=s.last_error if s else None,
            )
        )
    return found


def cve_intel(store: Store, cves: Sequence[str]) -> dict[str, CveIntel]:
    """KEV and EPSS of these CVE ids (every id is in the answer, with what is known of it)."""
    wanted = [c for c in dict.fromkeys(cves)]
    kev = store.kev_rows(wanted)
    epss = store.epss_rows(wanted)
    return {
        cve: CveIntel(
            cve,
            kev_record(kev[cve]) if cve in kev else None,
            epss[cve].score if cve in epss else None,
            epss[cve].percentile if cve in epss else None,
        )
        for cve in wanted
    }


def window_seconds(since: str | None, now: float) -> float:
    """The trend window: `7d`, `2w`, `12h`, `3m` or a date (from that date until now)."""
    from veille_tui.core.query import since_timestamp

    start = since_timestamp(since or DEFAULT_WINDOW, now)
    return max(1.0, now - start)


def _sources(joined: str | None) -> tuple[str, ...]:
    """CveRow.sources as distinct names, in alphabetical order."""
    if not joined:
        return ()
    if "\x1f" not in joined:
        return (joined,)
    names = [name for name in dict.fromkeys(joined.split("\x1f")) if name]
    return tuple(sorted(names, key=str.lower))


def cves(
    store: Store,
    where: str,
    params: Sequence[Any],
    *,
    now: float,
    window: float,
    sort: str = "trend",
    only: Sequence[str] | None = None,
    recent: bool = False,
) -> list[CveSummary]:
    """One summary per CVE id named by the entries matching `where`, sorted (SORTS): trend is
    the weighted mentions from now - window, previous the same over the window before it.
    only / recent: see Store.cve_rows."""
    if sort not in SORTS:
        raise IntelError(f"unknown sort {sort!r}: use {', '.join(SORTS)}")
    rows = store.cve_rows(
        where, params, start=now - window, before=now - 2 * window, sort=sort, only=only, recent=recent
    )
    kev = store.kev_rows()
    return [
        CveSummary(
            r.cve,
            r.entries,
            r.first_seen,
            r.last_seen,
            r.last_ts,
            _sources(r.sources),
            kev_record(kev[r.cve]) if r.cve in kev else None,
            r.score,
            r.percentile,
            r.trend,
            r.previous,
        )
        for r in rows
    ]

"""CVE intelligence: CISA's Known Exploited Vulnerabilities catalogue (KEV, JSON) and FIRST's EPSS
scores (CSV, plain or gzipped): reading them, downloading them with the feeds' rules, loading them
into the store, and what the front ends show of them (per CVE: its entries, first and last seen,
sources, KEV record, EPSS score and percentile, trend).

- A file is told KEV or EPSS by its content, never by its name. It is read whole and checked
  before anything is written: a bad file is one IntelError naming it, and the data loaded before
  stays. Each import replaces that source's data whole, in one transaction (a catalogue and a day
  of scores are complete snapshots).
- Downloads: http(s) only, redirects followed, conditional GET (ETag / Last-Modified: an unchanged
  source costs one 304), the feeds' timeout, a size cap on the decoded bytes (INTEL_MAX_BYTES: the
  EPSS CSV is ~10 MB once decompressed, above the feeds' default cap), gzip bombs capped too.
  `fetch` refreshes a source at most once a day (after a failure, again an hour later).
- Trend: the mentions of a CVE in a window (default the last 7 days), each entry weighted
  1/sqrt(number of CVE ids it names), so that a roundup naming 40 CVEs counts less than a story
  about one; `previous` is the same over the window before it, of the same length.
"""

from __future__ import annotations

import asyncio
import csv
import gzip
import io
import json
import re
import threading
import time
import zlib
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from veille_tui.core.config import IntelSettings
from veille_tui.core.errors import IntelError
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
from veille_tui.core.query import normalize_cve
from veille_tui.core.store.intel import KevRow, SourceRow

if TYPE_CHECKING:
    from veille_tui.core.store import Store

T = TypeVar("T")

Kind = IntelKind
KINDS: tuple[Kind, ...] = ("kev", "epss")
LABELS = INTEL_LABELS

INTEL_MAX_BYTES = 64 * 1024 * 1024  # decoded size cap of one download, file or decompressed gzip
REFRESH_EVERY = 86400.0  # `fetch` refreshes a source at most once a day...
RETRY_AFTER_FAILURE = 3600.0  # ...and tries again an hour after a failed download
DEFAULT_WINDOW = "7d"
SORTS = ("trend", "count", "recent", "epss")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_GZIP_MAGIC = b"\x1f\x8b"


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


# --- reading files ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedKev:
    records: list[KevRecord]
    version: str | None
    released: str | None
    warning: str | None = None
    kind: Kind = "kev"


@dataclass(frozen=True)
class ParsedEpss:
    rows: list[tuple[str, float, float]]
    version: str | None  # model_version
    released: str | None  # score_date
    kind: Kind = "epss"


Parsed = ParsedKev | ParsedEpss


def decompress(data: bytes, origin: str, limit: int = INTEL_MAX_BYTES) -> bytes:
    """The bytes themselves, or gunzipped when they are gzip (by their magic number), capped."""
    if not data.startswith(_GZIP_MAGIC):
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(limit + 1)
    except EOFError:
        raise IntelError(f"{origin}: truncated gzip file (it ends before its end marker)") from None
    except (OSError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise IntelError(f"{origin}: damaged gzip file ({exc})") from None
    if len(out) > limit:
        raise IntelError(f"{origin}: more than {limit // (1024 * 1024)} MiB once decompressed: refused")
    return out


def parse(data: bytes, origin: str) -> Parsed:
    """A KEV catalogue or EPSS scores, told apart by their content."""
    raw = decompress(data, origin)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IntelError(
            f"{origin}: neither a KEV catalogue (JSON) nor EPSS scores (CSV): not UTF-8 text (byte {exc.start})"
        ) from None
    head = text.lstrip()[:200].lower()
    if head.startswith(("{", "[")):
        return parse_kev(text, origin)
    if head.startswith("#") or head.startswith("cve,") or head.startswith('"cve"'):
        return parse_epss(text, origin)
    raise IntelError(
        f"{origin}: neither a KEV catalogue (a JSON object with `vulnerabilities`) nor EPSS scores"
        " (a CSV of cve,epss,percentile)"
    )


_KEV_TEXT = (
    ("vendorProject", "vendor"),
    ("product", "product"),
    ("vulnerabilityName", "name"),
    ("shortDescription", "description"),
    ("requiredAction", "action"),
    ("notes", "notes"),
    ("knownRansomwareCampaignUse", "ransomware"),
)


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


def _kev_record(raw: object, where: str) -> KevRecord:
    """One vulnerability of the catalogue; ValueError says what is wrong with it."""
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: an object was expected, not {_type_name(raw)}")
    cve_id = raw.get("cveID")
    if not isinstance(cve_id, str):
        raise ValueError(f"{where}: cveID is missing" if cve_id is None else f"{where}: cveID is {_type_name(cve_id)}")
    cve = normalize_cve(cve_id)
    if cve is None:
        raise ValueError(f"{where}: cveID {cve_id[:40]!r} is not a CVE id")
    where = f"{where} ({cve})"
    dates: dict[str, str | None] = {}
    for key in ("dateAdded", "dueDate"):
        value = raw.get(key)
        if value is None or value == "":
            if key == "dateAdded":
                raise ValueError(f"{where}: dateAdded is missing")
            dates[key] = None
            continue
        if not isinstance(value, str):
            raise ValueError(f"{where}: {key} must be a date string, not {_type_name(value)}")
        try:
            if not _DATE.match(value):
                raise ValueError
            date.fromisoformat(value[:10])
        except ValueError:
            raise ValueError(f"{where}: {key} {value[:40]!r} is not a date (YYYY-MM-DD)") from None
        dates[key] = value[:10]
    values: dict[str, Any] = {}
    for key, field_name in _KEV_TEXT:
        value = raw.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValueError(f"{where}: {key} must be a string, not {_type_name(value)}")
        values[field_name] = value.strip()
    cwes = raw.get("cwes", [])
    if cwes is None:
        cwes = []
    if isinstance(cwes, str):
        cwes = cwes.split()
    if not isinstance(cwes, list) or not all(isinstance(c, str) for c in cwes):
        raise ValueError(f"{where}: cwes must be a list of strings")
    return KevRecord(
        cve=cve,
        date_added=dates["dateAdded"] or "",
        due_date=dates["dueDate"],
        cwes=tuple(c.strip() for c in cwes if c.strip()),
        **values,
    )


def parse_kev(text: str, origin: str) -> ParsedKev:
    """CISA's catalogue: {catalogVersion, dateReleased, count, vulnerabilities: [...]}. Every record
    is checked; a wrong type or a missing cveID / dateAdded rejects the file, naming the first
    problems."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IntelError(f"{origin}: not a KEV catalogue: invalid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise IntelError(f"{origin}: not a KEV catalogue: a JSON object was expected, not {_type_name(data)}")
    vulns = data.get("vulnerabilities")
    if not isinstance(vulns, list):
        what = "missing" if vulns is None else _type_name(vulns)
        raise IntelError(f"{origin}: not a KEV catalogue: `vulnerabilities` must be a list ({what})")
    if not vulns:
        raise IntelError(f"{origin}: the KEV catalogue holds no vulnerabilities: not loaded")
    meta: dict[str, str | None] = {}
    for key in ("catalogVersion", "dateReleased"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise IntelError(f"{origin}: not a usable KEV catalogue: {key} must be a string, not {_type_name(value)}")
        meta[key] = value
    records: dict[str, KevRecord] = {}
    problems: list[str] = []
    for n, raw in enumerate(vulns):
        try:
            record = _kev_record(raw, f"vulnerabilities[{n}]")
        except ValueError as exc:
            problems.append(str(exc))
            continue
        records[record.cve] = record
    if problems:
        shown = "; ".join(problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise IntelError(
            f"{origin}: not a usable KEV catalogue: {len(problems)} of {len(vulns)} records are wrong:"
            f" {shown}{more}; nothing loaded, the data loaded before stays"
        )
    warning = None
    count = data.get("count")
    if isinstance(count, int) and not isinstance(count, bool) and count != len(vulns):
        warning = f"the file says {count} vulnerabilities and holds {len(vulns)}"
    return ParsedKev(list(records.values()), meta["catalogVersion"], meta["dateReleased"], warning)


def _epss_meta(line: str, meta: dict[str, str]) -> None:
    """`#model_version:v2025.03.14,score_date:2026-08-25T12:55:00Z` (keys may come and go)."""
    for part in line.lstrip("#").split(","):
        key, sep, value = part.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip()


def parse_epss(text: str, origin: str) -> ParsedEpss:
    """FIRST's daily scores: an optional `#model_version:...,score_date:...` line (more `#` lines
    anywhere are read too: the last model named wins), a `cve,epss,percentile` header (columns
    found by name, others ignored), then one row per CVE. A BOM and CRLF line ends are fine; a row
    that is not a CVE id with two numbers between 0 and 1 rejects the file, naming the line."""
    meta: dict[str, str] = {}
    rows: list[tuple[str, float, float]] = []
    columns: tuple[int, int, int] | None = None
    reader = csv.reader(io.StringIO(text, newline=""))
    for row in reader:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        first = row[0].strip()
        if first.startswith("#"):
            _epss_meta(",".join(row), meta)
            continue
        if first.lower() == "cve":
            names = [c.strip().lower() for c in row]
            if "epss" not in names or "percentile" not in names:
                raise IntelError(
                    f"{origin}: line {reader.line_num}: EPSS header without epss and percentile columns: {row[:5]}"
                )
            columns = (names.index("cve"), names.index("epss"), names.index("percentile"))
            continue
        if columns is None:
            raise IntelError(f"{origin}: line {reader.line_num}: EPSS data before the cve,epss,percentile header")
        ci, si, pi = columns
        try:
            cve = normalize_cve(row[ci])
            score = float(row[si])
            percentile = float(row[pi])
        except (IndexError, ValueError):
            cve = None
            score = percentile = -1.0
        if cve is None or not (0.0 <= score <= 1.0 and 0.0 <= percentile <= 1.0):
            shown = ",".join(row)[:80]
            raise IntelError(
                f"{origin}: line {reader.line_num}: not an EPSS row (CVE id, score and percentile between 0 and 1):"
                f" {shown!r}; nothing loaded, the scores loaded before stay"
            )
        rows.append((cve, score, percentile))
    if not rows:
        raise IntelError(f"{origin}: no EPSS scores in the file: not loaded")
    return ParsedEpss(rows, meta.get("model_version"), meta.get("score_date"))


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
        store.replace_kev([kev_row(record) for record in parsed.records], source)
        note = parsed.warning
    else:
        count = len(parsed.rows)
        source = SourceRow(
            "epss", origin, parsed.version, parsed.released, count, now, check[0], etag, last_modified, *check[1:]
        )
        store.replace_epss(parsed.rows, source)
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
    import httpx

    from veille_tui.core.feeds import http

    problem = http._check_url(url)
    if problem:
        raise IntelError(f"{url}: {problem}")
    capped = replace(settings, max_bytes=max(settings.max_bytes, INTEL_MAX_BYTES))
    headers = {"User-Agent": settings.user_agent, "Accept": "application/json, text/csv, application/gzip, */*;q=0.5"}
    request = http.FetchRequest(url=url, etag=etag, last_modified=last_modified)
    try:
        async with httpx.AsyncClient(
            headers=headers, timeout=httpx.Timeout(settings.timeout), follow_redirects=False, trust_env=True
        ) as client:
            async with asyncio.timeout(settings.timeout):
                resp, _final, body = await http._download(client, request, capped)
    except TimeoutError:
        raise IntelError(f"{url}: timed out after {settings.timeout:g} s") from None
    except http._FeedError as exc:
        raise IntelError(f"{url}: {exc}") from None
    except httpx.ConnectError as exc:
        raise IntelError(f"{url}: connection failed: {http._short_reason(exc)}") from None
    except httpx.HTTPError as exc:
        raise IntelError(f"{url}: network error: {http._short_reason(exc)}") from None
    except (OSError, ValueError) as exc:
        raise IntelError(f"{url}: error: {http._short_reason(exc)}") from None
    new_etag = resp.headers.get("etag")
    new_modified = resp.headers.get("last-modified")
    if resp.status_code == 304:
        return Download("unchanged", etag=new_etag or etag, last_modified=new_modified or last_modified)
    if body is None:
        raise IntelError(f"{url}: HTTP {resp.status_code} {resp.reason_phrase[:60]}".rstrip())
    return Download("ok", body, new_etag, new_modified)


def _run(coro_factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to its end from synchronous code (in a thread if a loop runs here)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro_factory())
    box: list[T | BaseException] = []

    def target() -> None:
        try:
            box.append(asyncio.run(coro_factory()))
        except BaseException as exc:  # re-raised in the caller's thread
            box.append(exc)

    thread = threading.Thread(target=target, name="veille-intel")
    thread.start()
    thread.join()
    result = box[0]
    if isinstance(result, BaseException):
        raise result
    return result


def download(url: str, settings: FetchSettings, etag: str | None = None, last_modified: str | None = None) -> Download:
    return _run(lambda: _get(url, etag, last_modified, settings))


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

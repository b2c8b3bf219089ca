"""KEV and EPSS files as they come (a download or a file copied by hand): told apart by content,
decompressed within a cap, checked whole. A file that cannot be used is one IntelError naming it;
nothing here touches the database (core/intel.py loads what this reads)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from veille_tui.core.errors import IntelError
from veille_tui.core.models import INTEL_LABELS, IntelKind, KevRecord
from veille_tui.core.query import normalize_cve

Kind = IntelKind
LABELS = INTEL_LABELS

INTEL_MAX_BYTES = 64 * 1024 * 1024  # decoded size cap of one download, file or decompressed gzip

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_GZIP_MAGIC = b"\x1f\x8b"


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
    except RecursionError:  # arrays or objects nested thousands deep: no catalogue is
        raise IntelError(
            f"{origin}: not a KEV catalogue: JSON nested too deep (arrays or objects within each other"
            " hundreds of times); nothing loaded, the data loaded before stays"
        ) from None
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
    that is not a CVE id with two numbers between 0 and 1 rejects the file, naming the line, and so
    does what the csv module cannot read (a field past its limit, a NUL)."""
    meta: dict[str, str] = {}
    rows: list[tuple[str, float, float]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        _epss_rows(reader, origin, meta, rows)
    except csv.Error as exc:
        reason = str(exc)
        if "field larger than field limit" in reason:
            reason = f"a field longer than {csv.field_size_limit():,} characters"
        raise IntelError(
            f"{origin}: line {reader.line_num}: not EPSS scores: {reason}; nothing loaded, the scores loaded"
            " before stay"
        ) from None
    if not rows:
        raise IntelError(f"{origin}: no EPSS scores in the file: not loaded")
    return ParsedEpss(rows, meta.get("model_version"), meta.get("score_date"))


def _epss_rows(reader: Any, origin: str, meta: dict[str, str], rows: list[tuple[str, float, float]]) -> None:
    """The rows of a scores file into `rows`, its `#` lines into `meta` (csv.Error passes through)."""
    columns: tuple[int, int, int] | None = None
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

"""What every archive format shares: a scanned file, its bytes as text, its front matter (YAML
`---`, TOML `+++`), dates in the forms the generators accept, tags, the `[Source](...)` link.

The two failures are private to the archive readers: `PostProblem` (a file that cannot be read as
a post; the message is the reason) and `Skipped` (a file the generator would not publish)."""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import cache
from typing import Any

from veille_tui.core.archive import plain_yaml
from veille_tui.core.links import normalize_link
from veille_tui.core.models import Post
from veille_tui.core.text import clean, clean_line, normalize_tag, strip_attribute_lists


class PostProblem(Exception):
    """A file that cannot be read as a post; the message is the reason."""


class Skipped(Exception):
    """A file the generator would not publish; the message says why."""


@dataclass(frozen=True)
class FileStat:
    name: str  # relative to the archive root, with '/' separators
    size: int
    mtime_ns: int
    problem: str | None = None  # found while scanning (a symlink loop...): reported as is


MAX_POST_BYTES = 5 * 1024 * 1024
# Jekyll: Document::DATE_FILENAME_MATCHER (Hugo's :filename date is the same shape)
FILENAME_RE = re.compile(r"^(?:.+/)*?(\d{2,4})-(\d{1,2})-(\d{1,2})-(.*)(\.[^.]+)$")
_SOURCE_RE = re.compile(r"\[Source\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", re.I)
# date strings: 2026-03-05, 2026-03-05 10:00, 2026-03-05 10:00:00 +0200, ISO with T and -04:00
_DATE_STR = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{1,2})?\s*$"
)


@cache
def _yaml() -> Any:
    """python-frontmatter's YAML handler (libyaml's CSafeLoader when present), imported on first
    use: the TUI's first paint does not pay for it. We split the front matter ourselves so that a
    '---' line closes it as Jekyll does, and to accept '...' and '+++'."""
    import yaml
    from frontmatter.default_handlers import YAMLHandler

    return YAMLHandler(), yaml.YAMLError


def read_text(path: str, size: int) -> str:
    """A post file's text; PostProblem when it is too large, binary or not UTF-8."""
    if size > MAX_POST_BYTES:
        raise PostProblem(f"file too large ({size:,} bytes)")
    try:
        with open(path, "rb") as handle:
            # the size the scan saw (a buffer of the limit's size for every file costs more than reading it)
            raw = handle.read(size + 1)
            if len(raw) > size:  # it grew since: the rest, up to the limit
                raw += handle.read(MAX_POST_BYTES + 1 - len(raw))
    except OSError as exc:
        raise PostProblem(f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_POST_BYTES:
        raise PostProblem(f"file too large (more than {MAX_POST_BYTES:,} bytes)")
    if b"\x00" in raw[:8192]:
        raise PostProblem("binary file (NUL bytes)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PostProblem(f"not valid UTF-8 (byte {exc.start})") from None


def _utc_ts(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return int(value.timestamp())
    except (OverflowError, ValueError, OSError):
        raise PostProblem(f"date out of range: {value!r}"[:200]) from None


def parse_date(value: Any) -> tuple[str, int]:
    """A front-matter date in any form Jekyll or Hugo accepts -> (ISO 8601 text, UTC timestamp)."""
    if isinstance(value, datetime):
        iso = (
            value.isoformat(timespec="seconds")
            if (value.hour or value.minute or value.second or value.tzinfo)
            else value.date().isoformat()
        )
        return iso, _utc_ts(value)
    if isinstance(value, date):
        return value.isoformat(), _utc_ts(datetime.combine(value, time()))
    if not isinstance(value, str):
        raise PostProblem(f"date is not a date: {value!r}"[:200])
    m = _DATE_STR.match(value)
    if not m:
        raise PostProblem(f"invalid date {value.strip()[:60]!r}")
    y, mo, d, hh, mm, ss, tz = m.groups()
    try:
        if hh is None:
            day = date(int(y), int(mo), int(d))
            if tz:
                raise ValueError
            return day.isoformat(), _utc_ts(datetime.combine(day, time()))
        tzinfo = None
        if tz:
            if tz == "Z":
                tzinfo = UTC
            else:
                sign = -1 if tz[0] == "-" else 1
                digits = tz[1:].replace(":", "")
                hours, minutes = (int(digits[:2]), int(digits[2:] or 0)) if len(digits) > 2 else (int(digits), 0)
                tzinfo = timezone(sign * timedelta(hours=hours, minutes=minutes))
        moment = datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss or 0), tzinfo=tzinfo)
    except ValueError:
        raise PostProblem(f"invalid date {value.strip()[:60]!r}") from None
    return moment.isoformat(timespec="seconds"), _utc_ts(moment)


def tags_of(meta: dict[str, Any]) -> list[str]:
    """tags, tag, categories, category: a list or a space-separated string each."""
    tags: list[str] = []
    for key in ("tags", "tag", "categories", "category"):
        value = meta.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            values = value.split()
        elif isinstance(value, list):
            values = [str(v) for v in value if v is not None and not isinstance(v, (dict, list))]
        elif isinstance(value, (int, float)):
            values = [str(value)]
        else:
            raise PostProblem(f"{key} must be a list or a space-separated string")
        for tag in values:
            tag = normalize_tag(tag)
            if tag and tag not in tags:
                tags.append(tag)
    return tags


_OPEN = re.compile(r"(---|\+\+\+)[ \t]*\r?\n")
_CLOSE = {
    "---": re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.M),
    "+++": re.compile(r"^\+\+\+[ \t]*(?:\r?\n|\Z)", re.M),
}


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(front matter as a dict, body); raises PostProblem or Skipped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    opening = _OPEN.match(text)
    if not opening:
        if text.startswith(("---", "+++")) and text.strip() in ("---", "+++"):
            raise PostProblem("front matter is not closed")
        raise Skipped("no front matter (Jekyll copies it as a static file)")
    fence = opening.group(1)
    closing = _CLOSE[fence].search(text, opening.end())
    if closing is None:
        raise PostProblem("front matter is not closed")
    header, body = text[opening.end() : closing.start()], text[closing.end() :]
    if fence == "+++":
        try:
            return tomllib.loads(header), body
        except tomllib.TOMLDecodeError as exc:
            raise PostProblem(f"bad TOML front matter: {exc}") from None
        except (ValueError, OverflowError, RecursionError) as exc:  # a date TOML accepts, Python does not
            raise PostProblem(f"bad TOML front matter: {type(exc).__name__}: {exc}"[:300]) from None
    if not header.strip():
        return {}, body
    plain = plain_yaml.parse(header)  # the archive's own shape, without YAML (a tenth of the time)
    if plain is not None:
        return plain, body
    handler, yaml_error = _yaml()
    try:
        meta = handler.load(header)
    except yaml_error as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PostProblem(f"bad YAML front matter{where}: {reason}") from None
    except (ValueError, OverflowError, TypeError) as exc:  # libyaml builds dates itself: 2026-13-45
        raise PostProblem(f"invalid date or value in front matter: {exc}"[:300]) from None
    except RecursionError:
        raise PostProblem("bad YAML front matter: nested too deeply") from None
    return _as_dict(meta), body


def _as_dict(meta: Any) -> dict[str, Any]:
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise PostProblem("front matter is not a mapping of keys to values")
    return meta


def source_url(meta: dict[str, Any], body: str) -> str | None:
    """The story's source: the last `[Source](URL)` link of the body, or `source_url` in the front matter."""
    if isinstance(meta.get("source_url"), str) and meta["source_url"].strip():
        return str(meta["source_url"]).strip()
    sources = _SOURCE_RE.findall(body)
    return html.unescape(sources[-1]) if sources else None


def title_of(meta: dict[str, Any], slug: str) -> str:
    """The front matter's title, else the slug titleized (Jekyll's titleize_slug)."""
    title = meta.get("title")
    if title is None or (isinstance(title, str) and not title.strip()) or isinstance(title, (dict, list)):
        title = " ".join(w.capitalize() for w in slug.split("-") if w)
    return clean_line(str(title))[:1000] or slug


def make_post(stat: FileStat, meta: dict[str, Any], body: str, *, iso: str, ts: int, slug: str, permalink: str) -> Post:
    """The Post of a file read (Jekyll or Hugo alike): its body cleaned, kramdown attribute lists
    dropped, its title, tags and source link from the front matter."""
    body = clean(strip_attribute_lists(body))
    source = source_url(meta, body)
    return Post(
        file=stat.name,
        title=title_of(meta, slug),
        date=iso,
        ts=ts,
        tags=tuple(tags_of(meta)),
        permalink=clean_line(permalink),
        source_url=source,
        body=body,
        size=stat.size,
        mtime_ns=stat.mtime_ns,
        link_norm=normalize_link(source),
    )

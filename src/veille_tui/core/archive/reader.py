"""The Jekyll `_posts` folder: reading posts as Jekyll would, and writing draft posts.

veille-tui only ever adds files to the archive: it never rewrites or deletes a post.
"""

from __future__ import annotations

import html
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timezone
from functools import cache
from pathlib import Path
from typing import Any, Literal

from veille_tui.core.models import Post
from veille_tui.core.text import clean, clean_line, normalize_tag, strip_attribute_lists


@cache
def _yaml() -> Any:
    """python-frontmatter's YAML handler (libyaml's CSafeLoader when present), imported on first
    use: the TUI's first paint does not pay for it. We split the front matter ourselves so that a
    '---' line closes it as Jekyll does, and to accept '...' and '+++'."""
    import yaml
    from frontmatter.default_handlers import YAMLHandler

    return YAMLHandler(), yaml.YAMLError


# Jekyll: Document::DATE_FILENAME_MATCHER
FILENAME_RE = re.compile(r"^(?:.+/)*?(\d{2,4})-(\d{1,2})-(\d{1,2})-(.*)(\.[^.]+)$")
POST_EXTENSIONS = {".md", ".markdown", ".mkdown", ".mkdn", ".mkd", ".mdown", ".html", ".htm", ".textile"}
_SOURCE_RE = re.compile(r"\[Source\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", re.I)
# Jekyll date strings: 2026-03-05, 2026-03-05 10:00, 2026-03-05 10:00:00 +0200, ISO with T and -04:00
_DATE_STR = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{1,2})?\s*$"
)
MAX_POST_BYTES = 5 * 1024 * 1024


class PostProblem(Exception):
    """A file that cannot be read as a post; the message is the reason."""


class Skipped(Exception):
    """A file Jekyll would not publish; the message says why."""


@dataclass(frozen=True)
class FileStat:
    name: str  # relative to the archive root, with '/' separators
    size: int
    mtime_ns: int


def scan(root: Path) -> list[FileStat]:
    """Every file below the archive root (hidden folders and Jekyll-ignored names included,
    so that each is reported as indexed, skipped or a problem)."""
    found: list[FileStat] = []
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    name = prefix + entry.name
                    try:
                        if entry.is_dir(follow_symlinks=True):
                            stack.append((Path(entry.path), name + "/"))
                            continue
                        st = entry.stat()
                    except OSError:
                        found.append(FileStat(name, -1, -1))
                        continue
                    found.append(FileStat(name, st.st_size, st.st_mtime_ns))
        except OSError:
            continue
    found.sort(key=lambda f: f.name)
    return found


def jekyll_ignores(name: str) -> str | None:
    """Why Jekyll would not read this file as a post, or None."""
    parts = name.split("/")
    for part in parts:
        if part.startswith((".", "_", "#")) or part.endswith("~"):
            return "ignored by Jekyll (name starts with '.', '_' or '#', or ends with '~')"
    base = parts[-1]
    if Path(base).suffix.lower() not in POST_EXTENSIONS:
        return "not a post file (extension)"
    if not FILENAME_RE.match(base):
        return "file name is not YYYY-MM-DD-title.ext"
    return None


def _utc_ts(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())


def parse_date(value: Any) -> tuple[str, int]:
    """A front-matter date in any form Jekyll accepts -> (ISO 8601 text, UTC timestamp)."""
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
                from datetime import timedelta

                tzinfo = timezone(sign * timedelta(hours=hours, minutes=minutes))
        moment = datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss or 0), tzinfo=tzinfo)
    except ValueError:
        raise PostProblem(f"invalid date {value.strip()[:60]!r}") from None
    return moment.isoformat(timespec="seconds"), _utc_ts(moment)


def _tags(meta: dict[str, Any]) -> list[str]:
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
    handler, yaml_error = _yaml()
    try:
        meta = handler.load(header) if header.strip() else {}
    except yaml_error as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PostProblem(f"bad YAML front matter{where}: {reason}") from None
    except (ValueError, OverflowError) as exc:  # libyaml builds dates itself: 2026-13-45
        raise PostProblem(f"invalid date or value in front matter: {exc}") from None
    return _as_dict(meta), body


def _as_dict(meta: Any) -> dict[str, Any]:
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise PostProblem("front matter is not a mapping of keys to values")
    return meta


def read_post(root: Path, stat: FileStat, now_ts: int | None = None) -> Post:
    """Read one file; returns a Post, or raises Skipped / PostProblem."""

    reason = jekyll_ignores(stat.name)
    if reason:
        raise Skipped(reason)
    if stat.size > MAX_POST_BYTES:
        raise PostProblem(f"file too large ({stat.size:,} bytes)")
    try:
        with open(os.path.join(root, stat.name), "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise PostProblem(f"cannot read: {exc.strerror or exc}") from None
    if b"\x00" in raw[:8192]:
        raise PostProblem("binary file (NUL bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PostProblem(f"not valid UTF-8 (byte {exc.start})") from None
    meta, body = split_front_matter(text)
    if meta.get("published") is False:
        raise Skipped("published: false")
    base = stat.name.rsplit("/", 1)[-1]
    fm = FILENAME_RE.match(base)
    assert fm  # jekyll_ignores checked it
    slug = fm.group(4)
    if "date" in meta and meta["date"] is not None:
        iso, ts = parse_date(meta["date"])
    else:
        try:
            iso, ts = parse_date(f"{fm.group(1)}-{fm.group(2)}-{fm.group(3)}")
        except PostProblem:
            raise PostProblem(f"invalid date in file name {base!r}") from None
    if now_ts is not None and ts > now_ts:
        raise Skipped("dated in the future (Jekyll publishes it later)")
    title = meta.get("title")
    if title is None or (isinstance(title, str) and not title.strip()):
        title = " ".join(w.capitalize() for w in slug.split("-") if w)  # Jekyll's titleize_slug
    title = clean_line(str(title))[:1000]
    body = clean(strip_attribute_lists(body))
    sources = _SOURCE_RE.findall(body)
    source_url = html.unescape(sources[-1]) if sources else None
    if meta.get("source_url") and isinstance(meta["source_url"], str):
        source_url = meta["source_url"].strip()
    permalink = meta.get("permalink")
    if not isinstance(permalink, str) or not permalink.strip():
        y, mo, d = iso[:4], iso[5:7], iso[8:10]
        permalink = f"/{y}/{mo}/{d}/{slug}.html"
    return Post(
        file=stat.name,
        title=title or slug,
        date=iso,
        ts=ts,
        tags=tuple(_tags(meta)),
        permalink=clean_line(permalink),
        source_url=source_url,
        body=body,
        size=stat.size,
        mtime_ns=stat.mtime_ns,
    )


@dataclass(frozen=True)
class ReadResult:
    stat: FileStat
    status: Literal["indexed", "skipped", "problem"]
    reason: str | None = None
    post: Post | None = None  # when indexed


def read_one(root: Path, stat: FileStat, now_ts: int) -> ReadResult:
    """Read a file, turning every failure into a reason: never raises for one file."""
    try:
        return ReadResult(stat, "indexed", None, read_post(root, stat, now_ts=now_ts))
    except Skipped as exc:
        return ReadResult(stat, "skipped", str(exc))
    except PostProblem as exc:
        return ReadResult(stat, "problem", str(exc))
    except Exception as exc:  # never stop an index for one file
        return ReadResult(stat, "problem", f"{type(exc).__name__}: {exc}"[:300])


def _read_chunk(job: tuple[Path, list[FileStat], int]) -> list[ReadResult]:
    root, stats, now_ts = job
    return [read_one(root, stat, now_ts) for stat in stats]


CHUNK = 150


def read_posts(root: Path, stats: list[FileStat], parallel: bool = False) -> Iterator[list[ReadResult]]:
    """Yield lists of ReadResults. With parallel (and enough files), a forked helper process
    parses while the caller writes what came before; elsewhere, in this process."""
    import time as _time

    now_ts = int(_time.time())
    jobs = [(root, stats[i : i + CHUNK], now_ts) for i in range(0, len(stats), CHUNK)]
    if parallel and len(stats) >= 2 * CHUNK:
        import multiprocessing

        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform
            context = None
        if context is not None:
            with context.Pool(1) as pool:
                # the helper reads two chunks in three; this process reads the third and writes all
                pending = pool.imap(_read_chunk, [job for index, job in enumerate(jobs) if index % 3])
                for index, job in enumerate(jobs):
                    yield next(pending) if index % 3 else _read_chunk(job)
            return
    for job in jobs:
        yield _read_chunk(job)

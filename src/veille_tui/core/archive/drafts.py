"""Archive drafts: a post file in the archive's own format, written atomically, never overwriting;
and publishing one (moving it from `_drafts/` into `_posts/`, dated the day it is published).

The format (the archive's posts, SPEC "Archive drafts"):

    ---
    title: 'A single-quoted title'
    date: 2026-07-20
    permalink: /posts/2026/07/20/a-single-quoted-title/
    tags:
    - veille-cyber
    - bleepingcomp
    ---
    the body

    ---
    [Source](https://example.com/story){:target="_blank"}

Drafts go to `_drafts/slug.md`, posts to `_posts/YYYY-MM-DD-slug.md`; a name taken gets `-2`,
`-3`... Each file is written to a temporary name in its folder and hard-linked to its name, which
fails when the name exists: nothing is ever overwritten, even in a race with another writer.
"""

from __future__ import annotations

import os
import re
import threading
from datetime import date
from pathlib import Path

from veille_tui.core.errors import DraftError, DraftExists
from veille_tui.core.links import without_tracking
from veille_tui.core.text import clean, clean_line, slugify

MAX_NAMES = 1000  # `-2` ... `-1000`: past that, something is wrong with the folder
MAX_TITLE = 300  # characters of a title kept in the front matter


def clean_source_url(url: str) -> str:
    """The link for the Source line: control characters removed, tracking parameters (utm_*,
    fbclid, gclid...) dropped, the rest as it was."""
    return without_tracking(clean_line(url).replace(" ", "%20"))


def _yaml_single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_PLAIN_TAG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def _yaml_tag(tag: str) -> str:
    """A tag as a YAML list item: plain when that is safe, else single-quoted."""
    return (
        tag
        if _PLAIN_TAG.match(tag) and tag not in ("null", "true", "false", "yes", "no", "on", "off")
        else _yaml_single_quoted(tag)
    )


def permalink(day: date, slug: str) -> str:
    return f"/posts/{day.year:04d}/{day.month:02d}/{day.day:02d}/{slug}/"


def render(*, title: str, day: date, slug: str, tags: list[str], body: str, link: str, flagged: bool = False) -> str:
    """The text of a post or draft in the archive's format (flagged: with Hugo's `draft: true`)."""
    clean_title = clean_line(title)[:MAX_TITLE] or slug
    lines = [
        "---",
        f"title: {_yaml_single_quoted(clean_title)}",
        f"date: {day.isoformat()}",
        f"permalink: {permalink(day, slug)}",
        *(["draft: true"] if flagged else []),
        "tags:",
        *[f"- {_yaml_tag(t)}" for t in tags],
        "---",
        clean(body).strip() or f"### {clean_title}",
        "",
        "---",
        f'[Source]({clean_source_url(link)}){{:target="_blank"}}',
        "",
    ]
    return "\n".join(lines)


def _link_new(folder: Path, name: str, content: str) -> bool:
    """Write content to folder/name unless the name is taken (False then); atomic."""
    path = folder / name
    tmp = folder / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
    tmp.write_text(content, encoding="utf-8")
    try:
        os.link(tmp, path)  # fails if the name exists: no overwrite, even in a race
        return True
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links
        if path.exists():
            return False
        os.replace(tmp, path)
        return True
    finally:
        tmp.unlink(missing_ok=True)


def _check_folder(folder: Path, create: bool) -> None:
    if folder.is_dir():
        return
    if not create or not folder.parent.is_dir():
        raise DraftError(f"{folder}: folder not found")
    try:
        folder.mkdir()
    except FileExistsError:
        pass
    except OSError as exc:
        raise DraftError(f"{folder}: cannot create the folder: {exc.strerror or exc}") from None


def write_unique(
    folder: Path,
    *,
    title: str,
    day: date,
    tags: list[str],
    body: str,
    link: str,
    dated: bool,
    create: bool = False,
    flagged: bool = False,
) -> Path:
    """Write a new file into folder: `slug.md` (dated: `YYYY-MM-DD-slug.md`), `-2`, `-3`... when
    the name is taken; the permalink follows the slug chosen. Raises DraftError naming the folder
    when it cannot be written."""
    _check_folder(folder, create)
    slug = slugify(title)
    prefix = f"{day.isoformat()}-" if dated else ""
    try:
        for n in range(1, MAX_NAMES + 1):
            name_slug = slug if n == 1 else f"{slug}-{n}"
            name = f"{prefix}{name_slug}.md"
            content = render(title=title, day=day, slug=name_slug, tags=tags, body=body, link=link, flagged=flagged)
            if _link_new(folder, name, content):
                return folder / name
    except OSError as exc:
        raise DraftError(f"{folder}: cannot write the draft there: {exc.strerror or exc}") from None
    raise DraftExists(f"{folder}: {prefix}{slug}.md and {MAX_NAMES - 1} more names like it are taken")


_FRONT = re.compile(r"\A(---[ \t]*\r?\n)(.*?\r?\n)(---[ \t]*(?:\r?\n|\Z))", re.S)
_DATE_LINE = re.compile(r"^date:.*$", re.M)
_PERMALINK_LINE = re.compile(r"^permalink:.*$", re.M)
_DRAFT_LINE = re.compile(r"^draft:.*\r?\n", re.M)


def dated_text(text: str, day: date, slug: str) -> str:
    """A draft's text with the date and permalink of its publication (the lines replaced in its
    front matter, added when they are missing; a Hugo `draft: true` line dropped); nothing else
    changes."""
    m = _FRONT.match(text)
    if m is None:
        raise DraftError("no YAML front matter (--- ... ---) at the top of the draft")
    header = m.group(2)
    date_line, link_line = f"date: {day.isoformat()}", f"permalink: {permalink(day, slug)}"
    header = _DATE_LINE.sub(date_line, header, count=1) if _DATE_LINE.search(header) else header + date_line + "\n"
    if _PERMALINK_LINE.search(header):
        header = _PERMALINK_LINE.sub(link_line, header, count=1)
    else:
        header += link_line + "\n"
    header = _DRAFT_LINE.sub("", header)
    return m.group(1) + header + m.group(3) + text[m.end() :]


def publish(draft: Path, posts: Path, day: date) -> Path:
    """Move a draft into posts as `YYYY-MM-DD-slug.md` (`-2`... when taken), dated `day`: the new
    file is linked into place (never overwriting), then the draft removed."""
    try:
        text = draft.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DraftError(f"{draft}: no such draft") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DraftError(f"{draft}: cannot read the draft: {getattr(exc, 'strerror', None) or exc}") from None
    _check_folder(posts, create=False)
    slug = slugify(draft.stem)
    try:
        for n in range(1, MAX_NAMES + 1):
            name_slug = slug if n == 1 else f"{slug}-{n}"
            name = f"{day.isoformat()}-{name_slug}.md"
            if _link_new(posts, name, dated_text(text, day, name_slug)):
                break
        else:
            raise DraftExists(f"{posts}: {day.isoformat()}-{slug}.md and {MAX_NAMES - 1} more names like it are taken")
    except OSError as exc:
        raise DraftError(f"{posts}: cannot write the post there: {exc.strerror or exc}") from None
    try:
        draft.unlink()
    except OSError as exc:
        raise DraftError(
            f"{posts / name} written, but the draft {draft} could not be removed: {exc.strerror or exc}"
        ) from None
    return posts / name

"""Archive drafts: a post file in the archive's own format, written atomically, never overwriting."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from veille_tui.core.errors import DraftExists
from veille_tui.core.text import clean, clean_line, slugify


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


def write_draft(root: Path, *, title: str, day: date, tags: list[str], summary: str, link: str) -> Path:
    """Write `_posts/YYYY-MM-DD-slug.md` atomically; never overwrite an existing file."""
    slug = slugify(title)
    name = f"{day.isoformat()}-{slug}.md"
    path = root / name
    permalink = f"/posts/{day.year:04d}/{day.month:02d}/{day.day:02d}/{slug}/"
    clean_title = clean_line(title)
    lines = [
        "---",
        f"title: {_yaml_single_quoted(clean_title)}",
        f"date: {day.isoformat()}",
        f"permalink: {permalink}",
        "tags:",
        *[f"- {_yaml_tag(t)}" for t in tags],
        "---",
        clean(summary).strip() or f"### {clean_title}",
        "",
        "---",
        f'[Source]({link}){{:target="_blank"}}',
        "",
    ]
    content = "\n".join(lines)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: archive folder not found")
    tmp = root / f".{name}.{os.getpid()}.tmp"
    tmp.write_text(content, encoding="utf-8")
    try:
        os.link(tmp, path)  # fails if the post exists: no overwrite, even in a race
    except FileExistsError:
        raise DraftExists(str(path)) from None
    except OSError:  # a file system without hard links
        if path.exists():
            raise DraftExists(str(path)) from None
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path

"""Archives of other generators: Hugo sites, and any folder of Markdown posts whose front matter
carries the date (Zola, Eleventy, Pelican...), read with Hugo's rules. And which rules an archive
follows: its layout says (`detect`), or `archive_format` in the config.

Hugo's rules, as far as an index needs them:
- content files: .md, .markdown, .mdown, .html, .htm; hidden files and folders ignored;
- `_index.md` is a section's list page, not a post; in a leaf bundle (a folder with `index.md`)
  the other files are the page's resources;
- the date: `date`, else `publishDate`, `pubDate`, `published`, `lastmod`, `modified`, else the
  file name's `YYYY-MM-DD-` prefix; a page with no date at all (an "about" page) is skipped;
- `draft: true`, a date or `publishDate` in the future, an `expiryDate` past: not published;
- the permalink: `url` (or `permalink`), else the path under `content/` with `slug` (else the file
  name, or the bundle's folder name) as its last part: `/posts/2026/some-title/`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from veille_tui.core.archive.frontmatter import (
    FILENAME_RE,
    FileStat,
    PostProblem,
    Skipped,
    make_post,
    parse_date,
    read_text,
    split_front_matter,
)
from veille_tui.core.models import Post
from veille_tui.core.text import clean_line

Format = Literal["jekyll", "hugo"]

CONTENT_EXTENSIONS = {".md", ".markdown", ".mdown", ".html", ".htm"}
HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")
SITE_CONFIGS = ("config.toml", "config.yaml", "config.yml", "config.json")
JEKYLL_CONFIGS = ("_config.yml", "_config.yaml", "_config.toml")
DATE_KEYS = ("date", "publishDate", "publishdate", "pubDate", "pubdate", "published", "lastmod", "modified")


@dataclass(frozen=True)
class Layout:
    """How to read an archive: its format, the folder to index, and (Hugo) that folder's path under
    the site's `content/`, which permalinks start with."""

    format: Format
    root: Path
    section: str = ""  # e.g. "posts" when root is content/posts
    why: str = ""  # how the format was chosen, for `doctor`


def _hugo_site(folder: Path) -> bool:
    if any((folder / name).is_file() for name in HUGO_CONFIGS):
        return True
    return (
        (folder / "content").is_dir()
        and any((folder / name).is_file() for name in SITE_CONFIGS)
        and not any((folder / name).exists() for name in JEKYLL_CONFIGS)
        and ((folder / "archetypes").is_dir() or (folder / "layouts").is_dir() or (folder / "themes").is_dir())
    )


def detect(root: Path, configured: str = "auto") -> Layout:
    """The layout of the archive at root. A Hugo site (a hugo.toml, or a config.toml with content/
    and archetypes/, layouts/ or themes/) at root or above it: Hugo, root being its content/ or a
    folder in it (the site's own folder means its content/). A `_posts` folder or a Jekyll
    `_config.yml` beside it: Jekyll. Anything else: Hugo's rules (dates from the front matter)."""
    if configured == "jekyll":
        return Layout("jekyll", root, why="archive_format = jekyll")
    for site in [root, *list(root.parents)[:4]]:
        if not _hugo_site(site):
            continue
        content = site / "content"
        if site == root and content.is_dir():
            return Layout("hugo", content, why=f"Hugo site at {site}")
        try:
            section = root.relative_to(content).as_posix()
        except ValueError:
            continue
        return Layout("hugo", root, "" if section == "." else section, why=f"Hugo site at {site}")
    if configured == "hugo":
        return Layout("hugo", root, why="archive_format = hugo")
    if root.name == "_posts" or any((root.parent / name).exists() for name in JEKYLL_CONFIGS):
        return Layout("jekyll", root, why="a Jekyll _posts folder")
    return Layout("hugo", root, why="no site found: posts dated by their front matter (Hugo's rules)")


def ignores(name: str, root: Path) -> str | None:
    """Why Hugo would not read this file as a page, or None."""
    parts = name.split("/")
    if any(part.startswith(".") for part in parts):
        return "hidden (Hugo ignores it)"
    base = parts[-1]
    stem, ext = os.path.splitext(base)
    if ext.lower() not in CONTENT_EXTENSIONS:
        return "not a content file (extension)"
    if stem.endswith("~") or base.startswith("#"):
        return "editor backup file"
    if stem == "_index":
        return "a section's list page (_index), not a post"
    if stem != "index" and len(parts) > 1:
        folder = root.joinpath(*parts[:-1])
        if any((folder / f"index{e}").is_file() for e in (".md", ".markdown", ".html")):
            return f"a resource of the page bundle {'/'.join(parts[:-1])}/index"
    return None


def _flag(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def read_post(root: Path, stat: FileStat, now_ts: int | None = None, section: str = "") -> Post:
    """Read one content file with Hugo's rules; returns a Post, or raises Skipped / PostProblem."""
    reason = ignores(stat.name, root)
    if reason:
        raise Skipped(reason)
    text = read_text(os.path.join(root, stat.name), stat.size)
    meta, body = split_front_matter(text)
    if _flag(meta.get("draft")):
        raise Skipped("draft: true (Hugo does not publish drafts)")
    if meta.get("published") is False:
        raise Skipped("published: false")
    parts = stat.name.split("/")
    stem = os.path.splitext(parts[-1])[0]
    named = FILENAME_RE.match(parts[-1])
    if stem == "index" and len(parts) > 1:  # a leaf bundle: the page is its folder
        stem = parts[-2]
        parts = parts[:-1]
        named = FILENAME_RE.match(stem + ".md")
    name_slug = named.group(4) if named else stem
    key = next((k for k in DATE_KEYS if meta.get(k) is not None), None)
    if key is not None:
        iso, ts = parse_date(meta[key])
    elif named:
        try:
            iso, ts = parse_date(f"{named.group(1)}-{named.group(2)}-{named.group(3)}")
        except PostProblem:
            raise PostProblem(f"invalid date in file name {parts[-1]!r}") from None
    else:  # Hugo publishes it, undated: an "about" page, not a story of the archive
        raise Skipped("no date in the front matter or the file name: a page, not a post")
    if now_ts is not None:
        if ts > now_ts:
            raise Skipped("dated in the future (Hugo publishes it later)")
        if meta.get("publishDate") is not None and parse_date(meta["publishDate"])[1] > now_ts:
            raise Skipped("dated in the future (publishDate: Hugo publishes it later)")
        if meta.get("expiryDate") is not None and parse_date(meta["expiryDate"])[1] <= now_ts:
            raise Skipped("expired (expiryDate: Hugo no longer publishes it)")
    slug = meta.get("slug")
    slug = clean_line(str(slug)).strip("/") if isinstance(slug, (str, int)) and str(slug).strip() else name_slug
    permalink = meta.get("url") or meta.get("permalink")
    if not isinstance(permalink, str) or not permalink.strip():
        path = [p for p in [*section.split("/"), *parts[:-1]] if p] + [slug]
        permalink = "/" + "/".join(path) + "/"
    return make_post(stat, meta, body, iso=iso, ts=ts, slug=name_slug, permalink=permalink)

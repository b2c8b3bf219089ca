"""Indexing the drafts folder (`_drafts/` beside `_posts/`): which files changed since the last
look, each read for the story it drafts (its `[Source](URL)` link, else `source_url`) and its
title. Drafts are not posts: Jekyll does not publish them, so they never become entries of their
own; the entry of the story they draft is marked drafted (see store/drafts.py)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from veille_tui.core.archive.frontmatter import (
    MAX_POST_BYTES,
    PostProblem,
    Skipped,
    read_text,
    source_url,
    split_front_matter,
    title_of,
)
from veille_tui.core.links import normalize_link

if TYPE_CHECKING:
    from veille_tui.core.store.rows import DraftFile

DRAFT_EXTENSIONS = {".md", ".markdown", ".mkdown", ".mkdn", ".mkd", ".mdown"}
MAX_DRAFTS = 10_000  # files of the drafts folder looked at


class DraftsIndexed(NamedTuple):
    """What an index of the drafts folder found: drafts in all, entries whose draft changed."""

    drafts: int
    changed: int


class DraftTarget(Protocol):
    def transaction(self) -> AbstractContextManager[object]: ...

    def known_drafts(self) -> Mapping[str, DraftFile]: ...

    def write_drafts(self, drafts: Sequence[DraftFile], gone: Sequence[str]) -> None: ...

    def mark_drafted(self) -> int: ...


def drafts_folder(archive: Path) -> Path:
    """Where the drafts of the archive at `archive` (a `_posts` folder) live: its sibling `_drafts`."""
    return archive.parent / "_drafts"


def scan(folder: Path) -> list[tuple[str, int, int]]:
    """(name, size, mtime_ns) of the draft files in folder (not below it: Jekyll reads `_drafts`
    flat), no hidden file, no symlink out of it."""
    found: list[tuple[str, int, int]] = []
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)[:MAX_DRAFTS]
    except OSError:
        return found
    real = os.path.realpath(folder)
    for entry in entries:
        if entry.name.startswith(".") or os.path.splitext(entry.name)[1].lower() not in DRAFT_EXTENSIONS:
            continue
        try:
            if entry.is_symlink() and os.path.dirname(os.path.realpath(entry.path)) != real:
                continue
            if not entry.is_file():
                continue
            st = entry.stat()
        except OSError:
            continue
        found.append((entry.name, st.st_size, st.st_mtime_ns))
    return found


def _flag(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def read_draft(folder: Path, prefix: str, name: str, size: int, mtime_ns: int, flagged: bool) -> DraftFile | None:
    """What the index keeps of one draft: a draft that cannot be read keeps its name (it is still
    a draft; `e` opens it), with no link. flagged (a Hugo section): only a file saying
    `draft: true` is a draft (None: a post)."""
    link, title = None, os.path.splitext(name)[0]
    try:
        meta, body = split_front_matter(read_text(os.path.join(folder, name), min(size, MAX_POST_BYTES + 1)))
        if flagged and not _flag(meta.get("draft")):
            return None
        link = normalize_link(source_url(meta, body))
        title = title_of(meta, title)
    except (PostProblem, Skipped):
        if flagged:
            return None
    from veille_tui.core.store.rows import DraftFile  # the store's package: not at `extract`'s start

    return DraftFile(f"{prefix}{name}", link, title, size, mtime_ns)


def index_drafts(store: DraftTarget, site: Path, folder: Path, flagged: bool = False) -> DraftsIndexed:
    """Bring the `drafts` table in step with the folder and mark the entries they draft. Names are
    kept relative to `site`."""
    rel = folder.relative_to(site).as_posix()
    prefix = "" if rel == "." else rel + "/"
    known = store.known_drafts()
    files = scan(folder)
    read: list[DraftFile] = []
    gone: list[str] = []
    for name, size, mtime in files:
        old = known.get(prefix + name)
        if old is not None and (old.size, old.mtime_ns) == (size, mtime):
            continue
        draft = read_draft(folder, prefix, name, size, mtime, flagged)
        if draft is not None:
            read.append(draft)
        elif old is not None:  # a draft no more (Hugo: `draft: false` now)
            gone.append(old.file)
    present = {prefix + name for name, _size, _mtime in files}
    gone += [name for name in known if name not in present]
    with store.transaction():
        if read or gone:
            store.write_drafts(read, gone)
        changed = store.mark_drafted()
    return DraftsIndexed(len(store.known_drafts()), changed)

"""Reading the archive: the scan (each folder once, never out of the archive through a symlink),
Jekyll's rules for a `_posts` folder, and the dispatch to the other formats (hugo.py).

veille-tui only ever adds files to the archive: it never rewrites or deletes a post.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from veille_tui.core.archive import hugo
from veille_tui.core.archive.frontmatter import (
    FILENAME_RE,
    MAX_POST_BYTES,
    FileStat,
    PostProblem,
    Skipped,
    make_post,
    parse_date,
    read_text,
    split_front_matter,
)
from veille_tui.core.archive.hugo import Layout
from veille_tui.core.models import Post

__all__ = [
    "FILENAME_RE",
    "MAX_POST_BYTES",
    "FileStat",
    "Layout",
    "PostProblem",
    "ReadResult",
    "Skipped",
    "jekyll_ignores",
    "parse_date",
    "read_one",
    "read_post",
    "read_posts",
    "scan",
    "split_front_matter",
]

POST_EXTENSIONS = {".md", ".markdown", ".mkdown", ".mkdn", ".mkd", ".mdown", ".html", ".htm", ".textile"}


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def scan(root: Path) -> list[FileStat]:
    """Every file below the archive root (hidden folders and ignored names included, so that each
    is reported as indexed, skipped or a problem).

    Each folder is read once (by device and inode): the real folders first, then the folders
    reached through symlinks, so that a file is named by its real path. A symlink that leads out
    of the archive, back to a folder already read (a loop, or a second name for it), or nowhere is
    a problem with its path."""
    found: list[FileStat] = []
    real_root = os.path.realpath(root)
    try:
        st = os.stat(root)
        seen = {(st.st_dev, st.st_ino)}
    except OSError:
        return found
    linked: list[tuple[str, str]] = []  # (path, name) of symlinked folders, read after the real ones
    stack = [(str(root), "")]
    while stack or linked:
        if not stack:
            linked.sort(key=lambda link: link[1])
            path, name = linked.pop(0)
            problem = _linked_folder_problem(path, real_root, seen)
            if problem:
                found.append(FileStat(name, -1, -1, problem))
                continue
            stack.append((path, name + "/"))
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            if prefix:
                found.append(FileStat(prefix.rstrip("/"), -1, -1, f"cannot read the folder: {exc.strerror or exc}"))
            continue
        for entry in entries:
            name = prefix + entry.name
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not _inside(target, real_root):
                        found.append(FileStat(name, -1, -1, "symlink out of the archive (not followed)"))
                        continue
                    if not os.path.exists(entry.path):
                        found.append(FileStat(name, -1, -1, "broken symlink"))
                        continue
                    if entry.is_dir(follow_symlinks=True):
                        linked.append((entry.path, name))
                        continue
                elif entry.is_dir(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    if (st.st_dev, st.st_ino) in seen:  # a bind mount of a folder above it
                        found.append(FileStat(name, -1, -1, "folder loop: the same folder as one already read"))
                        continue
                    seen.add((st.st_dev, st.st_ino))
                    stack.append((entry.path, name + "/"))
                    continue
                st = entry.stat()
            except OSError as exc:
                found.append(FileStat(name, -1, -1, f"cannot read: {exc.strerror or exc}"))
                continue
            found.append(FileStat(name, st.st_size, st.st_mtime_ns))
    found.sort(key=lambda f: f.name)
    return found


def _linked_folder_problem(path: str, real_root: str, seen: set[tuple[int, int]]) -> str | None:
    """None when the symlinked folder is to be read (it is marked seen), else why not."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    key = (st.st_dev, st.st_ino)
    if key in seen:
        real = os.path.realpath(path)
        target = os.path.relpath(real, real_root)
        where = "the archive folder itself" if target == "." else target
        if _inside(os.path.realpath(os.path.dirname(path)), real):
            return f"symlink loop: leads back to {where}; not followed"
        return f"symlink to a folder already read ({where}); not followed"
    seen.add(key)
    return None


def jekyll_ignores(name: str) -> str | None:
    """Why Jekyll would not read this file as a post, or None."""
    parts = name.split("/")
    for part in parts:
        if part.startswith((".", "_", "#")) or part.endswith("~"):
            return "ignored by Jekyll (name starts with '.', '_' or '#', or ends with '~')"
    base = parts[-1]
    if os.path.splitext(base)[1].lower() not in POST_EXTENSIONS:
        return "not a post file (extension)"
    if not FILENAME_RE.match(base):
        return "file name is not YYYY-MM-DD-title.ext"
    return None


def read_post(root: Path, stat: FileStat, now_ts: int | None = None) -> Post:
    """Read one file with Jekyll's rules; returns a Post, or raises Skipped / PostProblem."""

    reason = jekyll_ignores(stat.name)
    if reason:
        raise Skipped(reason)
    text = read_text(os.path.join(root, stat.name), stat.size)
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
    permalink = meta.get("permalink")
    if not isinstance(permalink, str) or not permalink.strip():
        y, mo, d = iso[:4], iso[5:7], iso[8:10]
        permalink = f"/{y}/{mo}/{d}/{slug}.html"
    return make_post(stat, meta, body, iso=iso, ts=ts, slug=slug, permalink=permalink)


@dataclass(frozen=True)
class ReadResult:
    stat: FileStat
    status: Literal["indexed", "skipped", "problem"]
    reason: str | None = None
    post: Post | None = None  # when indexed


def read_one(layout: Layout, stat: FileStat, now_ts: int) -> ReadResult:
    """Read a file, turning every failure into a reason: never raises for one file."""
    if stat.problem:
        return ReadResult(stat, "problem", stat.problem)
    try:
        if layout.format == "hugo":
            post = hugo.read_post(layout.root, stat, now_ts=now_ts, section=layout.section)
        else:
            post = read_post(layout.root, stat, now_ts=now_ts)
        return ReadResult(stat, "indexed", None, post)
    except Skipped as exc:
        return ReadResult(stat, "skipped", str(exc))
    except PostProblem as exc:
        return ReadResult(stat, "problem", str(exc))
    except Exception as exc:  # never stop an index for one file
        return ReadResult(stat, "problem", f"{type(exc).__name__}: {exc}"[:300])


Then = Callable[[list[Post]], Any]  # work on a chunk's posts, done where they are read


def _read_chunk(job: tuple[Layout, list[FileStat], int, Then | None]) -> tuple[list[ReadResult], Any]:
    layout, stats, now_ts, then = job
    results = [read_one(layout, stat, now_ts) for stat in stats]
    posts = [r.post for r in results if r.post is not None]
    return results, (then(posts) if then is not None else None)


CHUNK = 150


def read_posts(
    layout: Layout, stats: list[FileStat], parallel: bool = False, then: Then | None = None
) -> Iterator[tuple[list[ReadResult], Any]]:
    """Yield (ReadResults, what `then` made of their posts) chunk by chunk. With parallel (and
    enough files), a forked helper process reads (and runs `then`) while the caller writes what
    came before; elsewhere, in this process."""
    import time as _time

    now_ts = int(_time.time())
    jobs = [(layout, stats[i : i + CHUNK], now_ts, then) for i in range(0, len(stats), CHUNK)]
    if parallel and len(stats) >= 2 * CHUNK:
        import multiprocessing

        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform
            context = None
        if context is not None:
            with context.Pool(1) as pool:
                # the helper reads every chunk: this process writes them and runs the enrich steps,
                # the larger share (then takes the IOC step's work to the helper: enrich.ahead)
                yield from pool.imap(_read_chunk, jobs)
            return
    for job in jobs:
        yield _read_chunk(job)

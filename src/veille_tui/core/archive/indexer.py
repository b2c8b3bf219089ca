"""Indexing the archive: its layout (Jekyll, Hugo), which files changed since the last index,
reading them (in a forked helper while this process writes, when allowed) and handing them to the
store in batches (its SQL: store/posts.py), each followed by the update layer's hooks (core/enrich)
over the entries it wrote, in its transaction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from veille_tui.core import enrich
from veille_tui.core.archive import hugo, reader
from veille_tui.core.models import IndexReport, Post
from veille_tui.core.store import Store
from veille_tui.core.store.rows import FileRecord

__all__ = ["FileRecord", "index_archive"]


def index_archive(
    store: Store,
    root: Path,
    progress: Callable[[int, int], None] | None = None,
    parallel: bool = False,
    archive_format: str = "auto",
) -> IndexReport:
    """(Re)index the archive at root into store, read with the rules of its format (its layout
    says, or archive_format): new and changed files are read, unchanged ones skipped, deleted ones
    leave the index. A file that cannot be read is a problem, never a stop.

    parallel: parse in a second process while this one writes (for the CLI: the TUI calls this
    from a thread, where forking is unsafe). archive_format: auto (the layout says), jekyll or hugo."""
    report = IndexReport()
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: archive folder not found")
    layout = hugo.detect(root, archive_format)
    report.format = layout.format
    stats = reader.scan(layout.root)
    # read every file again when the rules changed (another format, another section)
    rules = f"{layout.format}:{layout.section}"
    previous = store.known_files()
    known = previous if store.index_layout() == rules else {}
    to_read: list[reader.FileStat] = []
    for stat in stats:
        old = known.get(stat.name)
        if old is not None and _unchanged(old, stat):
            report.unchanged += old.status == "indexed"
            report.count(stat.name, old.status, old.reason)
        else:
            to_read.append(stat)
    present = {s.name for s in stats}
    gone = [name for name in previous if name not in present]
    report.removed = len(gone)
    if not to_read and not gone:
        return report
    with store.transaction():
        enrich.written(store, store.forget_files(gone))
        store.set_index_layout(rules)
        done = len(stats) - len(to_read)
        for chunk, ahead in reader.read_posts(layout, to_read, parallel=parallel, then=_ahead):
            posts: dict[str, Post] = {}
            for r in chunk:
                report.count(r.stat.name, r.status, r.reason)
                if isinstance(r.post, Post):
                    posts[r.stat.name] = r.post
            files = [FileRecord(r.stat.name, r.stat.size, r.stat.mtime_ns, r.status, r.reason) for r in chunk]
            enrich.written(store, store.write_files(files, posts), ahead=ahead)
            done += len(chunk)
            if progress:
                progress(done, len(stats))
    return report


def _ahead(posts: list[Post]) -> dict[tuple[str, str], enrich.Ahead]:
    """The enrich steps' work on the posts read, where they are read (enrich.ahead)."""
    return enrich.ahead([(post.title, post.body, post.source_url or "") for post in posts])


def _unchanged(old: FileRecord, stat: reader.FileStat) -> bool:
    """Same size and time as last seen (and readable); a post skipped for being dated in the future
    is read again, as its day may have come."""
    return (
        old.size == stat.size
        and old.mtime_ns == stat.mtime_ns
        and stat.size >= 0
        and not (old.status == "skipped" and old.reason is not None and old.reason.startswith("dated in the future"))
    )

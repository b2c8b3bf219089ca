"""Archive posts: the files table, posts written in bulk or one by one, feed items folded into the
post that archives them, and the read/starred state kept for posts that left the index.

What to (re)read and when is the indexer's business (core/archive/indexer.py); this is its SQL.
The writes return the entries they made or changed, for the update layer's hooks."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from veille_tui.core.links import normalize_link
from veille_tui.core.models import Post
from veille_tui.core.store.base import chunks, marks
from veille_tui.core.store.rows import FileRecord, FoldedEntry, Text
from veille_tui.core.store.tags import TagsMixin

FILE_COLUMNS = ", ".join(FileRecord._fields)


class PostsMixin(TagsMixin):
    def post_openings(self, ids: Sequence[int]) -> dict[int, str]:
        """The first characters of the bodies of the posts among these ids (their own heading is
        there, when they have one: the digest's title for them)."""
        found: dict[int, str] = {}
        for chunk in chunks(list(ids)):
            found.update(
                self.db.execute(
                    "SELECT e.id, substr(f.body, 1, 600) FROM entries e JOIN entries_fts f ON f.rowid = e.id"
                    f" WHERE e.kind = 'post' AND e.id IN ({marks(chunk)})",
                    chunk,
                )
            )
        return found

    def index_layout(self) -> str | None:
        """The rules the files table was read with ("jekyll:", "hugo:posts"), None before any."""
        return self._meta("index_layout")

    def set_index_layout(self, layout: str) -> None:
        self._set_meta("index_layout", layout)

    def known_files(self) -> dict[str, FileRecord]:
        """The archive's files as the last index saw them, by name."""
        records = (FileRecord._make(r) for r in self.db.execute(f"SELECT {FILE_COLUMNS} FROM files"))
        return {record.name: record for record in records}

    def forget_files(self, names: Sequence[str]) -> dict[int, Text]:
        """Files gone from the archive: out of the files table, their posts out of the index; the
        entries changed (those that stay: items the post had folded)."""
        changed: dict[int, Text] = {}
        for name in names:
            self.db.execute("DELETE FROM files WHERE name = ?", (name,))
            self._remove_post(name, changed)
        return changed

    def write_files(self, files: Sequence[FileRecord], posts: Mapping[str, Post]) -> dict[int, Text]:
        """One batch of files read: their records, and their posts (by file name) written; a file
        with no post (skipped, a problem) takes its post, if it had one, out of the index. Returns
        the entries made or changed."""
        self.db.executemany(
            f"INSERT INTO files ({FILE_COLUMNS}) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,"
            " status = excluded.status, reason = excluded.reason",
            files,
        )
        names = [f.name for f in files]
        indexed: set[str] = set()
        for chunk in chunks(names):
            indexed.update(
                f for (f,) in self.db.execute(f"SELECT file FROM entries WHERE file IN ({marks(chunk)})", chunk)
            )
        has_items = self.db.execute("SELECT 1 FROM items LIMIT 1").fetchone() is not None
        changed: dict[int, Text] = {}
        fresh: list[Post] = []
        for name in names:
            post = posts.get(name)
            if post is None:
                if name in indexed:
                    self._remove_post(name, changed)
            elif has_items or name in indexed:
                changed[self._upsert_post(post, has_items)] = Text(post.title, post.body)
            else:
                fresh.append(post)
        changed.update(self._insert_new_posts(fresh))
        return changed

    def _insert_new_posts(self, posts: list[Post]) -> dict[int, Text]:
        """The cold path: posts with no entry yet and no feed item to fold, inserted in bulk."""
        if not posts:
            return {}
        first_id = (self.db.execute("SELECT max(id) FROM entries").fetchone()[0] or 0) + 1
        ids = range(first_id, first_id + len(posts))
        now = time.time()
        self.db.executemany(
            "INSERT INTO entries (id, kind, file, link, link_norm, title, date, ts, source, permalink, post_tags,"
            " tags, read, added) VALUES (?, 'post', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
            [
                (
                    entry_id,
                    post.file,
                    post.source_url,
                    _link_norm(post),
                    post.title,
                    post.date,
                    post.ts,
                    source_of_post(post.tags, post.source_url),
                    post.permalink,
                    " ".join(post.tags),
                    " ".join(post.tags),
                    now,
                )
                for entry_id, post in zip(ids, posts, strict=True)
            ],
        )
        self.db.executemany(
            "INSERT INTO entries_fts (rowid, title, body) VALUES (?, ?, ?)",
            [(entry_id, post.title, post.body) for entry_id, post in zip(ids, posts, strict=True)],
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO entry_tags (tag, entry_id) VALUES (?, ?)",
            [(tag, entry_id) for entry_id, post in zip(ids, posts, strict=True) for tag in post.tags],
        )
        self._restore_kept_state(ids[0], ids[-1])
        return {entry_id: Text(post.title, post.body) for entry_id, post in zip(ids, posts, strict=True)}

    def _upsert_post(self, post: Post, has_items: bool) -> int:
        link_norm = _link_norm(post)
        values = dict(
            kind="post",
            file=post.file,
            link=post.source_url,
            link_norm=link_norm,
            title=post.title,
            date=post.date,
            ts=post.ts,
            source=source_of_post(post.tags, post.source_url),
            permalink=post.permalink,
            post_tags=" ".join(post.tags),
        )
        row = self.db.execute("SELECT id FROM entries WHERE file = ?", (post.file,)).fetchone()
        if row is None and link_norm and has_items:
            # an item not archived yet becomes this post, keeping its read/starred state
            row = self.db.execute(
                "SELECT id FROM entries WHERE kind = 'item' AND link_norm = ? ORDER BY id LIMIT 1", (link_norm,)
            ).fetchone()
        if row is None:
            cols = ", ".join(values)
            cursor = self.db.execute(
                f"INSERT INTO entries ({cols}, read, added) VALUES ({', '.join('?' * len(values))}, 1, ?)",
                (*values.values(), time.time()),
            )
            assert cursor.lastrowid is not None
            entry_id = cursor.lastrowid
            self._restore_kept_state(entry_id, entry_id)
        else:
            entry_id = int(row[0])
            sets = ", ".join(f"{k} = ?" for k in values)
            self.db.execute(f"UPDATE entries SET {sets} WHERE id = ?", (*values.values(), entry_id))
        self._set_text(entry_id, post.title, post.body)
        if has_items:
            if link_norm:
                self._fold_items_into(entry_id, link_norm)
            self._refresh_entry(entry_id)
        else:
            self._write_tags(entry_id, list(post.tags), [])
        return entry_id

    def _fold_items_into(self, entry_id: int, link_norm: str) -> None:
        """Items with this link that sit in an item entry move into the post's entry."""
        folded = [
            FoldedEntry._make(r)
            for r in self.db.execute(
                "SELECT DISTINCT i.entry_id, e.read, e.starred FROM items i JOIN entries e ON e.id = i.entry_id"
                " WHERE i.link_norm = ? AND e.kind = 'item' AND i.entry_id != ?",
                (link_norm, entry_id),
            )
        ]
        for old in folded:
            self.db.execute("UPDATE items SET entry_id = ? WHERE entry_id = ?", (entry_id, old.entry_id))
            if old.starred:
                self.db.execute("UPDATE entries SET starred = 1 WHERE id = ?", (entry_id,))
            # its full text goes along (unless the post has one already)
            self.db.execute("UPDATE OR IGNORE fulltext SET entry_id = ? WHERE entry_id = ?", (entry_id, old.entry_id))
            self.db.execute("DELETE FROM entries WHERE id = ?", (old.entry_id,))

    def _remove_post(self, name: str, changed: dict[int, Text]) -> None:
        """A post leaves the index. An entry that stays (it has feed items) joins changed."""
        row = self.db.execute("SELECT id FROM entries WHERE file = ?", (name,)).fetchone()
        if row is None:
            return
        entry_id = int(row[0])
        changed.pop(entry_id, None)
        if self.db.execute("SELECT 1 FROM items WHERE entry_id = ? LIMIT 1", (entry_id,)).fetchone():
            # its feed items stay: the entry goes back to being a (not archived) item
            self.db.execute(
                "UPDATE entries SET kind = 'item', file = NULL, permalink = NULL, post_tags = '' WHERE id = ?",
                (entry_id,),
            )
            text = self._refresh_entry(entry_id)
            if text is not None:
                changed[entry_id] = text
        else:
            # state is user data: kept for when a post of this name comes back
            self.db.execute(
                "INSERT OR REPLACE INTO kept_state (file, read, starred, kept)"
                " SELECT file, read, starred, ? FROM entries WHERE id = ? AND (read = 0 OR starred = 1)",
                (time.time(), entry_id),
            )
            self.db.execute("DELETE FROM entries WHERE id = ?", (entry_id,))

    def _restore_kept_state(self, first_id: int, last_id: int) -> None:
        """Posts just inserted (ids first..last) take back the state kept under their file name."""
        if self.db.execute("SELECT 1 FROM kept_state LIMIT 1").fetchone() is None:
            return
        self.db.execute(
            "UPDATE entries SET read = (SELECT k.read FROM kept_state k WHERE k.file = entries.file),"
            " starred = (SELECT k.starred FROM kept_state k WHERE k.file = entries.file)"
            " WHERE id BETWEEN ? AND ? AND file IN (SELECT file FROM kept_state)",
            (first_id, last_id),
        )
        self.db.execute(
            "DELETE FROM kept_state WHERE file IN (SELECT file FROM entries WHERE id BETWEEN ? AND ?)",
            (first_id, last_id),
        )


def _link_norm(post: Post) -> str | None:
    return post.link_norm if post.link_norm is not None else normalize_link(post.source_url)


def source_of_post(tags: Sequence[str], link: str | None) -> str:
    """Where a post comes from: its first tag but the archive's own, else its source's host."""
    for tag in tags:
        if tag != "veille-cyber":
            return tag
    if link:
        return (urlsplit(link).hostname or "").removeprefix("www.")
    return ""

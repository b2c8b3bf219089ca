"""The article shown: it follows the list's cursor once the cursor rests, or opens at once
(enter, n, N, J, K, space); what it shows (`ArticleContent`: the entry with its body, its CVE
ids' KEV and EPSS, the related stories, the stored full text) is read by `Library.article` in a
worker and kept for the last entries read; the entry's state changed elsewhere is shown in its
header; where the reader is, for the status line."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import replace

from textual.timer import Timer
from textual.worker import get_current_worker

from veille_tui.core.models import ArticleContent, Entry
from veille_tui.tui.lru import LRU
from veille_tui.tui.messages import ArticleLoaded
from veille_tui.tui.screens.parts.host import Host
from veille_tui.tui.views import query_terms
from veille_tui.tui.widgets.article import RELATED_LIMIT

ARTICLE_DELAY = 0.08  # seconds the cursor must rest before the article follows it
GONE = "This entry is gone (the archive or a fetch removed it)."


class Articles:
    """The article part of the main screen."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.cache: LRU[int, ArticleContent] = LRU(64)
        self.wanted: int | None = None  # the entry asked for last (shown, or being read)
        self._then: list[Callable[[], None]] = []  # to run once `wanted` is shown (`L`)
        self._timer: Timer | None = None
        self._last_move = 0.0
        self._asked = 0.0
        self._timing = "article_painted"
        self._keep_scroll = False

    # --- the cursor rests -------------------------------------------------------------------

    def stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def follow(self, entry_id: int) -> None:
        """The list's cursor moved to `entry_id`: the article follows once it rests."""
        self.stop_timer()
        self._last_move = time.perf_counter()
        if entry_id == self.host.article.entry_id:
            return
        self._timer = self.host.set_timer(ARTICLE_DELAY, self._rested)

    def _rested(self) -> None:
        self._timer = None
        entry_id = self.host.entries.current_id
        if entry_id is not None and entry_id != self.host.article.entry_id:
            self.show(entry_id, since=self._last_move, timing="article_after_rest")

    # --- showing ----------------------------------------------------------------------------

    def show(
        self,
        entry_id: int,
        *,
        then: Callable[[], None] | None = None,
        keep_scroll: bool = False,
        since: float | None = None,
        timing: str = "article_painted",
    ) -> None:
        """Show `entry_id` in the article: at once when it was read lately, else once a worker has
        read it; `then` runs once it is shown."""
        self.stop_timer()
        self.wanted = entry_id
        self._asked = since if since is not None else time.perf_counter()
        self._timing = timing
        self._keep_scroll = keep_scroll
        if then is not None:
            self._then.append(then)
        cached = self.cache.get(entry_id)
        if cached is not None:
            self._display(cached, keep_scroll=keep_scroll)
            return
        self.host.run_worker(
            functools.partial(self._read, entry_id),
            thread=True,
            group="article",
            exclusive=True,
            exit_on_error=False,
        )

    def _read(self, entry_id: int) -> None:
        """In the worker thread."""
        worker = get_current_worker()
        with self.host.lib.for_thread() as lib:
            content = lib.article(entry_id, related=RELATED_LIMIT + 1)  # one more: there are more
        if not worker.is_cancelled:
            self.host.post_message(ArticleLoaded(entry_id, content))

    def _read_ahead(self, entry: Entry) -> None:
        """In the full-screen article: the next unread entry and the next one of the list read in
        a worker and kept, so that `n`, `space` at the end and `J` show them at once."""
        host = self.host
        entries = host.entries
        index = entries.index_of(entry.id)
        following = entries.ids[index + 1] if index is not None and index + 1 < len(entries.ids) else None
        query, ts = host.state.query_text, entry.ts
        host.run_worker(
            functools.partial(self._ahead, query, ts, entry.id, following),
            thread=True,
            group="article-ahead",
            exclusive=True,
            exit_on_error=False,
        )

    def _ahead(self, query: str, ts: int, entry_id: int, following: int | None) -> None:
        """In the worker thread."""
        worker = get_current_worker()
        with self.host.lib.for_thread() as lib:
            unread = lib.next_unread(query, ts, entry_id)
            for ahead in dict.fromkeys(i for i in (unread, following) if i is not None and i not in self.cache):
                if worker.is_cancelled:
                    return
                self.host.post_message(ArticleLoaded(ahead, lib.article(ahead, related=RELATED_LIMIT + 1)))

    def loaded(self, message: ArticleLoaded) -> None:
        content = message.content
        if content is not None:
            marking = self.host.state.marking
            if content.entry.id in marking and not content.entry.read:  # not committed yet
                content = replace(content, entry=replace(content.entry, read=True))
            self.cache[message.entry_id] = content
        if message.entry_id != self.wanted:
            return
        if content is None:
            self._then.clear()
            self.host.article.show_message(GONE)
            return
        self._display(content, keep_scroll=self._keep_scroll)

    def _display(self, content: ArticleContent, keep_scroll: bool = False) -> None:
        started = time.perf_counter()
        host = self.host
        host.article.show(
            content,
            keep_scroll=keep_scroll,
            terms=query_terms(host.state.query_text),
            showing_full=content.entry.id in host.state.full_text_ids,
        )
        host.timings.since("article_render", started)
        host.timings.until_painted(host.article, self._timing, self._asked)
        host.update_status()
        if host.reading:
            self._read_ahead(content.entry)
        then, self._then = self._then, []
        for action in then:
            action()

    def redisplay(self, content: ArticleContent) -> None:
        """The same entry, something of it changed (its full text, a draft): kept, shown in place."""
        self.cache[content.entry.id] = content
        if self.host.article.entry_id == content.entry.id:
            self._display(content, keep_scroll=True)

    # --- what changed elsewhere -------------------------------------------------------------

    def changed(self, entry: Entry) -> None:
        """The entry's state changed (read, starred): the kept copy and the header follow."""
        cached = self.cache.get(entry.id)
        if cached is not None:  # the state alone: the list's row lacks the body, the watch terms...
            state = replace(cached.entry, read=entry.read, starred=entry.starred)
            self.cache[entry.id] = replace(cached, entry=state)
        self.host.article.update_header(entry)

    def reload(self, entry_id: int) -> None:
        """What is kept of the entry is stale: read again if it is shown."""
        self.cache.discard(entry_id)
        if self.host.article.entry_id == entry_id:
            self.show(entry_id, keep_scroll=True)

    def forget(self) -> None:
        """The store changed: what was read of it is stale."""
        self.cache.clear()

    def position(self) -> str:
        """Which entry of the list the full-screen article shows, and how far down."""
        host = self.host
        if not host.reading or host.entries.current_id is None:
            return ""
        article, entries = host.article, host.entries
        shown = f"entry {entries.cursor + 1}/{len(entries.ids)}"
        if article.entry_id is not None and article.entry_id != entries.current_id:
            index = entries.index_of(article.entry_id)
            shown = f"entry {index + 1}/{len(entries.ids)}" if index is not None else "entry"
        if article.max_scroll_y <= 0 or article.at_end:
            return f"{shown} · end"
        return f"{shown} · {round(100 * article.scroll_offset.y / article.max_scroll_y)}%"

"""The moves between entries, in the list and in the full-screen article: `n` the next unread
entry of the view (from the top again when there is none below: "wrapped to the top"), `N` the
one above, `J` and `K` the next and previous entry read or not, `space` pages the article and at
its end opens the next unread one. The list's cursor goes with them: back in the list, it is on
the entry last read."""

from __future__ import annotations

import time

from veille_tui.tui.screens.parts.host import Host

TOP = 2**62  # a (ts, id) above every entry: the search for the next unread from the top of the list


class Moves:
    """The moves part of the main screen."""

    def __init__(self, host: Host) -> None:
        self.host = host

    def open_unread(self, step: int) -> bool:
        """Open the next unread entry of the list (step 1: from the selected one, itself first
        when unread and not shown yet, else from the top when none is below; -1: the nearest one
        above it). False: there is none."""
        host = self.host
        started = time.perf_counter()
        entries, marking = host.entries, host.state.marking
        current = entries.current_entry
        if current is None:
            return False
        wrapped = False
        if step > 0 and not current.read and current.id not in marking:
            entry_id: int | None = current.id
        else:
            entry_id = self._unread_from(current.ts, current.id, step, entries.cursor)
            if entry_id is None and step > 0:
                entry_id = self._unread_from(TOP, TOP, step, -1)
                wrapped = entry_id is not None and entry_id != current.id
                if entry_id == current.id:
                    entry_id = None
        if entry_id is None:
            where = "in this view" if step > 0 else "above this one in this view"
            host.notify(f"No unread entry {where}.", markup=False, timeout=3)
            return False
        if wrapped:
            host.notify("No unread entry below: wrapped to the top.", markup=False, timeout=3)
        self._go(entry_id, "next_unread_article_painted")
        host.timings.since("next_unread", started)
        host.timings.until_painted(host.article, "next_unread_painted", started)
        return True

    def _unread_from(self, ts: int, entry_id: int, step: int, cursor: int) -> int | None:
        """The nearest unread entry of the list past (ts, entry_id): asked of the index of unread
        entries (milliseconds, however far down); when the list is not the store's any more (an
        entry added or marked meanwhile), looked for among the list's own ids."""
        host = self.host
        marking = host.state.marking
        found = host.lib.next_unread(host.state.query_text, ts, entry_id, forward=step > 0)
        if found is None or (found not in marking and host.entries.index_of(found) is not None):
            return found
        ids = host.entries.ids
        candidates = ids[cursor + 1 :] if step > 0 else ids[:cursor][::-1]
        candidates = [i for i in candidates if i not in marking]
        position = host.lib.first_unread(candidates)
        return candidates[position] if position is not None else None

    def _go(self, entry_id: int, timing: str = "article_painted") -> None:
        index = self.host.entries.index_of(entry_id)
        if index is not None:
            self.host.entries.cursor = index
        self.host.open_entry(entry_id, timing)

    def step(self, step: int) -> None:
        """`J`, `K`: the next or previous entry of the list, read or not."""
        entries = self.host.entries
        target = entries.cursor + step
        if entries.current_id is None or not 0 <= target < len(entries.ids):
            self.host.notify(f"No entry {'below' if step > 0 else 'above'} this one.", markup=False, timeout=3)
            return
        self._go(entries.ids[target])

    def read_on(self) -> None:
        """`space`: page the article down; at its end, the entry is read: the next unread one."""
        host = self.host
        article, entry_id = host.article, host.entries.current_id
        if entry_id is None:
            return
        if article.entry_id != entry_id:  # the article has not followed the cursor yet
            host.open_entry(entry_id)
            return
        if not article.at_end:
            page = max(article.scrollable_content_region.height - 1, 1)
            article.scroll_to(y=article.scroll_offset.y + page, animate=False, immediate=True)
            host.update_status()
            return
        host.open_entry(entry_id)  # read to its end: read
        if not self.open_unread(1):
            host.update_status()

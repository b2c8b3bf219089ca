"""Read and starred state: `u` and `s` on the entry shown, an entry opened is read, `A` marks the
view read and `M` the story's cluster (both ask first, with the count), `U` undoes the last
change. Entries being marked by the worker (`marking`) are shown read at once; the counts of the
sidebar follow."""

from __future__ import annotations

import time
from dataclasses import replace

from veille_tui.core.models import Entry
from veille_tui.core.models import Undone as UndoneStep
from veille_tui.core.text import clean_line
from veille_tui.tui.messages import EntryChanged, MarkedRead, Undone
from veille_tui.tui.screens.parts.host import Host

MARK_VIEW = "mark_view_read"
MARK_CLUSTER = "mark_cluster_read"


class Triage:
    """The read/starred part of the main screen."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self._to_mark: tuple[list[int], int] = ([], 0)  # what `A` or `M` asked about (ids, unread count)
        self._undo_asked = 0.0  # when `U` was pressed (the time until painted: bench)

    # --- one entry --------------------------------------------------------------------------

    def entry(self, entry_id: int) -> Entry | None:
        """The entry as the list has it (a related story not in the list: read from the store)."""
        entries = self.host.entries
        index = entries.index_of(entry_id)
        row = entries.row(index) if index is not None else None
        if row is None:
            rows = self.host.lib.entries_by_ids([entry_id])
            row = rows[0] if rows else None
        return row

    def opened(self, entry_id: int) -> None:
        """An entry opened is read; reading is not a change `U` takes back (u, s, A and M are):
        fifty articles read would otherwise push an `A` out of the history."""
        entry = self.entry(entry_id)
        if entry is not None and not entry.read and entry.id not in self.host.state.marking:
            self.set_read(entry, True, undoable=False)

    def set_read(self, entry: Entry, read: bool, undoable: bool = True) -> None:
        host = self.host
        host.lib.set_read(entry.id, read, undoable=undoable)
        self._changed(replace(entry, read=read))
        if entry.read != read:
            self.count_unread(-1 if read else 1, "watch" in entry.tags)
        if entry.feeds:
            host.sidebar.adjust_unread(entry.feeds, -1 if read else 1)

    def set_starred(self, entry: Entry, starred: bool) -> None:
        self.host.lib.set_starred(entry.id, starred)
        self._changed(replace(entry, starred=starred))

    def _changed(self, entry: Entry) -> None:
        """Show a changed entry everywhere it appears (list row, article header)."""
        host = self.host
        host.watcher.edited()
        host.entries.update_entry(replace(entry, body=None))
        host.post_message(EntryChanged(entry))

    def count_unread(self, delta: int, watched: bool = False) -> None:
        """The views that count unread entries: Unread, and Watch for an entry it lists."""
        state, sidebar = self.host.state, self.host.sidebar
        for view in ("unread", "watch") if watched else ("unread",):
            unread = state.view_counts.get(view)
            if unread is not None:
                state.view_counts[view] = max(unread + delta, 0)
                sidebar.set_view_count(view, state.view_counts[view] or 0)

    # --- A, M: asked first ------------------------------------------------------------------

    def ask_view(self) -> None:
        """`A`: the unread entries of the view, marked read once the reader says yes."""
        host, state = self.host, self.host.state
        started = time.perf_counter()
        ids = list(host.entries.ids)
        count = host.lib.count(f"{state.query_text} is:unread") if ids and not state.marking else 0
        if not count:
            host.notify("Every entry of this view is read already.", markup=False, timeout=3)
            return
        self._ask(ids, count, f"of {clean_line(state.view_label())} ", ("A", "y", "enter"), MARK_VIEW)
        host.timings.until_painted(host.question, "mark_view_read_asked", started)

    def ask_cluster(self, entry: Entry) -> None:
        """`M`: the unread entries of the entry's story cluster, marked read once asked."""
        host = self.host
        ids = host.lib.cluster_ids(entry.id)
        unread = [e for e in host.lib.entries_by_ids(ids) if not e.read and e.id not in host.state.marking]
        if not unread:
            more = f" ({len(ids)} entries)" if len(ids) > 1 else " (it has no related story)"
            host.notify(f"Every entry of this story is read already{more}.", markup=False, timeout=3)
            return
        self._ask(ids, len(unread), "of this story ", ("M", "y", "enter"), MARK_CLUSTER)

    def _ask(self, ids: list[int], count: int, of: str, keys: tuple[str, ...], topic: str) -> None:
        noun = "entry" if count == 1 else "entries"
        self._to_mark = (ids, count)
        self.host.question.ask(
            f"Mark the {count:,} unread {noun} {of}read?",
            yes_keys=keys,
            yes_text="/".join(keys),
            instead_of=self.host.keys,
            topic=topic,
        )

    def answered(self, topic: str, yes: bool) -> bool:
        """The answer to `A` or `M` (False: not a question of this part)."""
        if topic not in (MARK_VIEW, MARK_CLUSTER):
            return False
        (ids, count), self._to_mark = self._to_mark, ([], 0)
        if yes and ids:
            self.mark_ids_read(ids, count)
        return True

    def mark_ids_read(self, ids: list[int], count: int) -> None:
        """Show the entries read at once (rows, article, counts: about 20 ms at 50,000); a
        worker writes them (about 0.25 s)."""
        host, state = self.host, self.host.state
        started = time.perf_counter()
        host.watcher.edited()
        state.marking.update(ids)
        host.entries.show_read(state.marking)
        article = host.article.entry
        if article is not None and article.id in state.marking and not article.read:
            host.post_message(EntryChanged(replace(article, read=True)))
        self.count_unread(-count)
        host.run_worker(lambda: self._write(ids), thread=True, group="mark", exit_on_error=False)
        host.notify(f"{count:,} {'entry' if count == 1 else 'entries'} marked read.", markup=False, timeout=3)
        host.timings.since("mark_view_read", started)
        host.timings.until_painted(host.entries, "mark_view_read_painted", started)

    def _write(self, ids: list[int]) -> None:
        """In the worker thread: the entries shown read already (`marking`) are written."""
        started = time.perf_counter()
        with self.host.lib.for_thread() as lib:
            marked = lib.mark_all_read(ids)
        self.host.timings.since("mark_view_read_committed", started)
        self.host.post_message(MarkedRead(marked))

    # --- U: undo ---------------------------------------------------------------------------

    def undo(self) -> None:
        """`U`: the last change of read/starred state undone. What it gives back is read first
        (`next_undo`, one row) and shown at once (rows, article, counts); a worker writes it
        (`Library.undo`: about as long as the `A` it takes back), then the list is read again."""
        host = self.host
        if any(w.group == "undo" and w.is_running for w in host.workers):
            host.notify("Still undoing the change before…", markup=False, timeout=2)
            return
        self._undo_asked = time.perf_counter()
        step = host.lib.next_undo()
        if step is None:
            host.notify("Nothing to undo.", markup=False, timeout=3)
            return
        host.watcher.edited()
        self._show_undone(step)
        host.notify(f"Undone: {step.what}", markup=False, timeout=4)
        host.timings.until_painted(host.entries, "undo_painted", self._undo_asked)
        host.run_worker(self._undo, thread=True, group="undo", exclusive=True, exit_on_error=False)

    def _show_undone(self, step: UndoneStep) -> None:
        """The states a step gives back, on screen before the store has them."""
        host = self.host
        read_ids, starred_ids = set(step.read_ids), set(step.starred_ids)
        host.entries.show_state(read_ids, read=step.read)
        host.entries.show_state(starred_ids, starred=step.starred)
        if step.read is not None:
            self.count_unread(-len(read_ids) if step.read else len(read_ids))
        article = host.article.entry
        if article is not None and (article.id in read_ids or article.id in starred_ids):
            read = step.read if article.id in read_ids and step.read is not None else article.read
            starred = step.starred if article.id in starred_ids and step.starred is not None else article.starred
            host.post_message(EntryChanged(replace(article, read=read, starred=starred)))

    def _undo(self) -> None:
        """In the worker thread."""
        with self.host.lib.for_thread() as lib:
            undone = lib.undo()
        what = undone.what if undone is not None else None
        self.host.post_message(Undone(what, undone.entries if undone is not None else 0))

    def undone(self, message: Undone) -> bool:
        """The worker wrote it: the list and the counts as the store has them now (False: there
        was nothing to undo after all, another process took it first)."""
        if message.what is None:
            return False
        self.host.reload()
        return True

    def marked_read(self) -> None:
        """The worker wrote them: the counts as the store has them now."""
        self.host.state.marking.clear()
        self.host.watcher.caught_up()

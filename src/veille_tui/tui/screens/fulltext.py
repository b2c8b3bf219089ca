"""`f`: the article's full text, fetched and extracted in a worker, stored with the entry, shown
in place of the feed's summary (marked "full text" in the header); `f` again shows the summary.
Offline (`--offline`) a stored full text is shown and nothing is fetched. A failure is recorded
with the entry and shown in the header ("full text: HTTP 403 Forbidden"), the summary kept."""

from __future__ import annotations

from textual import on, work

from veille_tui.core.models import Entry
from veille_tui.tui.messages import FullTextDone
from veille_tui.tui.screens.reading import ReadingScreen


class FullTextActions(ReadingScreen):
    """The `f` action and its worker, on top of what the main screen reads."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.full_text_ids: set[int] = set()  # entries whose full text the reader asked to see
        self.full_text_fetching: int | None = None  # the entry whose page the worker fetches

    def show_article(self, entry_id: int) -> Entry | None:
        """The article, with its full text when one is stored: shown when the reader asked for it
        (`f`), else said in the header."""
        entry = super().show_article(entry_id)
        if entry is not None:
            full = self.lib.full_text(entry_id)
            if full is not None:
                self.article.show(entry, keep_scroll=True, full=full, showing_full=entry_id in self.full_text_ids)
        return entry

    def action_full_text(self) -> None:
        article = self.article
        entry = article.entry
        if entry is None:
            self.notify("No article shown: select an entry first.", severity="warning", markup=False)
            return
        if article.full_text_shown:  # back to the feed's summary
            self.full_text_ids.discard(entry.id)
            article.show(entry, showing_full=False)
            return
        full = self.lib.full_text(entry.id)
        if full is not None and full.ok:
            self.full_text_ids.add(entry.id)
            article.show(entry, full=full, showing_full=True)
            return
        if self.offline:
            why = f" (the last try failed: {full.error})" if full is not None and full.error else ""
            self.notify(
                f"Offline (--offline): no full text stored for this entry{why}.", severity="warning", markup=False
            )
            return
        if not entry.link:
            self.notify("This entry has no link to fetch its page from.", severity="warning", markup=False)
            return
        if self.full_text_fetching is not None:
            self.notify("A full text is being fetched already.", markup=False)
            return
        self.full_text_fetching = entry.id
        self.full_text_ids.add(entry.id)
        self.set_activity("fetching the full text…")
        self.fetch_full_text(entry.id)

    @work(thread=True, group="fulltext", exclusive=True, exit_on_error=False)
    def fetch_full_text(self, entry_id: int) -> None:
        with self.lib.for_thread() as lib:
            full = lib.extract(entry_id)  # FullTextError: recorded with the entry, told by the error path
        self.post_message(FullTextDone(entry_id, full))

    @on(FullTextDone)
    def full_text_done(self, message: FullTextDone) -> None:
        self.full_text_fetching = None
        self.set_activity("")
        entry = self.article.entry
        if entry is not None and entry.id == message.entry_id:
            self.article.show(entry, full=message.full, showing_full=message.entry_id in self.full_text_ids)
        else:
            self.notify(f"Full text stored: {message.full.title or message.full.source}", markup=False, timeout=4)

    def full_text_failed(self) -> None:
        entry_id, self.full_text_fetching = self.full_text_fetching, None
        if entry_id is None:
            return
        self.full_text_ids.discard(entry_id)
        entry = self.article.entry
        full = self.lib.full_text(entry_id)
        if entry is not None and entry.id == entry_id and full is not None:
            self.article.show(entry, keep_scroll=True, full=full, showing_full=False)

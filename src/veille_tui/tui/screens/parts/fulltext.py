"""`f`: the article's full text, fetched and extracted in a worker, stored with the entry, shown
in place of the feed's summary (said in the info block); `f` again shows the summary. Offline
(`--offline`) a stored full text is shown and nothing is fetched. A failure is recorded with the
entry and shown ("full text: HTTP 403 Forbidden"), the summary kept."""

from __future__ import annotations

from dataclasses import replace

from veille_tui.tui.messages import FullTextDone
from veille_tui.tui.screens.parts.host import Host


class FullTexts:
    """The full-text part of the main screen."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.fetching: int | None = None  # the entry whose page the worker fetches

    def toggle(self) -> None:
        host, wanted = self.host, self.host.state.full_text_ids
        content = host.article.content
        if content is None:
            host.notify("No article shown: select an entry first.", severity="warning", markup=False)
            return
        entry, full = content.entry, content.full
        if host.article.full_text_shown:  # back to the feed's summary
            wanted.discard(entry.id)
            host.refresh_article(content)
            return
        if full is not None and full.ok:
            wanted.add(entry.id)
            host.refresh_article(content)
            return
        if host.offline:
            why = f" (the last try failed: {full.error})" if full is not None and full.error else ""
            host.notify(
                f"Offline (--offline): no full text stored for this entry{why}.", severity="warning", markup=False
            )
            return
        if not entry.link:
            host.notify("This entry has no link to fetch its page from.", severity="warning", markup=False)
            return
        if self.fetching is not None:
            host.notify("A full text is being fetched already.", markup=False)
            return
        self.fetching = entry.id
        wanted.add(entry.id)
        host.set_activity("fetching the full text…")
        host.run_worker(
            lambda: self._fetch(entry.id), thread=True, group="fulltext", exclusive=True, exit_on_error=False
        )

    def _fetch(self, entry_id: int) -> None:
        """In the worker thread."""
        with self.host.lib.for_thread() as lib:
            full = lib.extract(entry_id)  # FullTextError: recorded with the entry, told by the error path
        self.host.post_message(FullTextDone(entry_id, full))

    def done(self, message: FullTextDone) -> None:
        host = self.host
        self.fetching = None
        host.set_activity("")
        content = host.article.content
        if content is not None and content.entry.id == message.entry_id:
            host.refresh_article(replace(content, full=message.full))
        else:
            host.reload_article(message.entry_id)
            host.notify(f"Full text stored: {message.full.title or message.full.source}", markup=False, timeout=4)

    def failed(self) -> None:
        """The worker could not fetch or extract the page: the failure, recorded with the entry,
        shown with the summary."""
        entry_id, self.fetching = self.fetching, None
        if entry_id is None:
            return
        self.host.state.full_text_ids.discard(entry_id)
        self.host.reload_article(entry_id)

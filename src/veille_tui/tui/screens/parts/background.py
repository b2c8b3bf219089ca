"""The work in the background and what it brings: the archive index at start-up, the feeds'
statuses, fetching (`r`, `R`) and the team server, what another process committed (polled), the
feeds' health (`F`) kept up to date, the watch alerts. Each worker runs on a connection of its own, sends its
result as a message and raises when it fails: the screen's one `Worker.StateChanged` handler
reports every failure (tui/workers.py). `F` itself is screens/feeds.py's `FeedsPivot`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual.message import Message
from textual.worker import get_current_worker

from veille_tui.core.errors import ConfigError
from veille_tui.core.library import Library
from veille_tui.core.models import WatchMatch
from veille_tui.core.text import clean_line
from veille_tui.tui.alerts import WatchAlerts
from veille_tui.tui.browser import LinkNotOpened
from veille_tui.tui.messages import (
    ConfigReloaded,
    FeedsLoaded,
    FetchDone,
    FetchProgress,
    FetchStarted,
    IndexDone,
    IndexProgress,
    StoreChanged,
    SyncDone,
)
from veille_tui.tui.screens.parts.host import Host
from veille_tui.tui.screens.parts.listing import counted_views
from veille_tui.tui.watcher import read_changes
from veille_tui.tui.workers import (
    ACTIVITY_GROUPS,
    WRITER_GROUPS,
    Notice,
    failure_notice,
    fetch_notice,
    index_changed,
    index_notice,
    notify_notices,
    run_fetch,
    run_index,
    run_sync,
    sync_note,
)


class Background:
    """The background part of the main screen."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.watch_alerts = WatchAlerts(0)  # the watch alerts told (start: those before are not)
        self._broken_stamp: int | None = None  # the mtime of a config file that could not be read
        self._settle_timer: Any = None  # telling another process's matches once its fetch settles

    def tell(self, notice: Notice, timeout: float | None = None) -> None:
        self.host.notify(notice.text, severity=notice.severity, markup=False, timeout=timeout)

    def start(self) -> None:
        """Once the first frame is out, so that they do not slow it down: the poll, the feeds'
        statuses, the archive index."""
        host = self.host
        self.tell_since_last_looked()
        host.watcher.start(host.entries, self.poll_store)
        self.load_feeds()
        if host.lib.sync_configured and not host.offline:
            self._run(self._sync_at_start, "sync")
        if host.lib.archive is not None:
            host.set_activity("indexing the archive…")
            self._run(self._index, "index")

    def _run(self, work: object, group: str) -> None:
        self.host.run_worker(work, thread=True, group=group, exclusive=True, exit_on_error=False)

    # --- workers (each in its thread) ---------------------------------------------------------

    def _index(self) -> None:
        with self.host.lib.for_thread() as lib:
            self.host.post_message(run_index(lib, self.host.post_message, get_current_worker()))

    def load_feeds(self) -> None:
        self._run(self._feeds, "feeds")

    def _feeds(self) -> None:
        with self.host.lib.for_thread() as lib:
            self.host.post_message(FeedsLoaded(lib.feed_statuses()))

    def _reload_config(self, lib: Library) -> None:
        """In a worker: the config read again when its file changed, and put in force on the
        worker's connection (the watch list and rules derived again there); the screen told."""
        if not lib.config_moved():
            return
        try:
            settings = lib.reload_config()
        except ConfigError as exc:
            self.host.post_message(ConfigReloaded(None, str(exc)))
        else:
            self.host.post_message(ConfigReloaded(settings))

    def _config(self) -> None:
        with self.host.lib.for_thread() as lib:
            self._reload_config(lib)

    def _fetch(self, names: list[str], alert_mark: int) -> None:
        with self.host.lib.for_thread() as lib:
            self._reload_config(lib)  # `R` reads a changed config first: its feeds, watch list, rules
            done = run_fetch(lib, names, self.host.post_message, alert_mark)
            done.sync_follows = lib.sync_configured
            self.host.post_message(done)
            if lib.sync_configured:  # `r` and `R`: the team server too, after the feeds (one notice says both)
                self.host.post_message(run_sync(lib, done.outcomes))

    def _sync_at_start(self) -> None:
        """Once the first frame is out: what waits, then a sync (the screen never waits for the
        server)."""
        with self.host.lib.for_thread() as lib:
            pending, error = lib.sync_state()
            self.host.post_message(SyncDone(None, pending, error))
            self.host.post_message(run_sync(lib))

    def _changes(self, query: str, cached: list[int], article_id: int | None, alert_mark: int) -> None:
        worker = get_current_worker()
        with self.host.lib.for_thread() as lib:
            message = read_changes(lib, query, cached, article_id, counted_views(), alert_mark)
        if not worker.is_cancelled:
            self.host.post_message(message)

    # --- r, R, F --------------------------------------------------------------------------------

    def start_fetch(self, names: list[str]) -> None:
        host = self.host
        if host.offline:
            host.notify("Offline (--offline): no fetching.", severity="warning")
            return
        if any(w.is_running for w in host.app.workers if w.group == "fetch"):
            host.notify("A refresh is already running.")
            return
        host.set_activity("refreshing…")
        mark = self.watch_alerts.mark
        self._run(lambda: self._fetch(names, mark), "fetch")

    def feeds_here(self) -> list[str] | None:
        """The feed(s) `r` refreshes: the one highlighted or shown, else the selected entry's."""
        host = self.host
        sidebar = host.sidebar
        for choice_id in (sidebar.highlighted_id if host.focused is sidebar else None, host.state.choice.id):
            if choice_id and choice_id.startswith("feed:"):
                feed = sidebar.feed(choice_id)
                if feed is not None:
                    return [feed.url]
        entry = host.entries.current_entry
        if entry is not None and entry.feeds:
            urls = [feed.url for title in entry.feeds if (feed := sidebar.feed_by_title(title))]
            if urls:
                return urls
        host.notify(
            "No feed here (this entry comes from the archive): R refreshes all feeds.", severity="warning", markup=False
        )
        return None

    def refresh_here(self) -> None:
        """`r`: the feed(s) here refreshed."""
        names = self.feeds_here()
        if names is not None:
            self.start_fetch(names)

    def start_fetch_one(self, url: str) -> None:
        self.start_fetch([url])

    # --- what the workers send ----------------------------------------------------------------

    def tell_since_last_looked(self) -> None:
        """At start: the matches of the fetches made while the TUI was closed (after the mark a
        TUI last told), one notification; then the newest mark."""
        lib = self.host.lib
        mark, matches = lib.watch_alerts(lib.watch_seen())
        if self.watch_alerts.take(mark, matches):
            self._ring(since_last_looked=True)
        lib.set_watch_seen(self.watch_alerts.mark)

    def tell_watch(self, mark: int, matches: Sequence[WatchMatch], settle: bool = False) -> None:
        """New watch matches (a fetch here, or seen from another process): one bell, one notice
        counting and naming every one. settle: another process's fetch, seen by the poll while it
        may still be writing: told once nothing new came for ALERT_SETTLE seconds."""
        if not self.watch_alerts.take(mark, matches):
            return
        if self._settle_timer is not None:
            self._settle_timer.stop()
            self._settle_timer = None
        if settle:
            self._settle_timer = self.host.set_timer(ALERT_SETTLE, self._ring)
        else:
            self._ring()

    def _ring(self, since_last_looked: bool = False) -> None:
        self._settle_timer = None
        alert = self.watch_alerts.flush(since_last_looked)
        if alert is None:
            return
        self.host.app.bell()
        self.host.notify(alert.text, title=alert.title, markup=False, timeout=12)
        self.host.lib.set_watch_seen(self.watch_alerts.mark)

    def handle(self, message: Message) -> None:
        """What a worker of this part sent."""
        if isinstance(message, IndexProgress):
            self.host.set_activity(f"indexing the archive {message.done}/{message.total}…")
        elif isinstance(message, (FetchStarted, FetchProgress)):
            done = message.done if isinstance(message, FetchProgress) else 0
            self.host.set_activity(f"refreshing {done}/{message.total} feeds…")
        elif isinstance(message, IndexDone):
            self.index_done(message)
        elif isinstance(message, FeedsLoaded):
            self.feeds_loaded(message)
        elif isinstance(message, FetchDone):
            self.fetch_done(message)
        elif isinstance(message, SyncDone):
            self.sync_done(message)
        elif isinstance(message, ConfigReloaded):
            self.config_reloaded(message)

    def config_reloaded(self, message: ConfigReloaded) -> None:
        """The config read again: in force here too, the lists and sidebar read again; or why it
        could not be, the last good one kept (said until the file is fixed)."""
        host = self.host
        if message.settings is None:
            host.state.config = f"config error (the last good one is kept): {clean_line(message.error or '')}"
            self._broken_stamp = _file_stamp(host.lib.settings.path)
            host.update_status()
            return
        host.lib.use_settings(message.settings)
        host.state.config = "config reloaded"
        host.update_status()
        host.reload()
        self.load_feeds()

        def fade() -> None:
            if host.state.config == "config reloaded":
                host.state.config = ""
                host.update_status()

        host.set_timer(CONFIG_NOTE_SECONDS, fade)

    def check_config(self) -> None:
        """Every few seconds (the poll): a config file written since it was read is read again,
        in a worker (a new watch list is derived over every entry there)."""
        host = self.host
        if any(w.is_running and w.group in ("config", "fetch") for w in host.app.workers):
            return
        # a broken config already said is not read again until it is written again
        if host.lib.config_moved() and _file_stamp(host.lib.settings.path) != self._broken_stamp:
            self._run(self._config, "config")

    def index_done(self, message: IndexDone) -> None:
        self.host.set_activity("")
        report = message.report
        if report is None:
            return
        if index_changed(report):
            self.host.reload()
            self.load_feeds()
        notice = index_notice(report)
        if notice is not None:
            self.tell(notice)

    def feeds_loaded(self, message: FeedsLoaded) -> None:
        from veille_tui.tui.screens.feeds import FeedsScreen

        self.host.state.feeds = message.feeds
        self.host.fill_sidebar()
        for screen in self.host.app.screen_stack:  # the feeds screen follows them
            if isinstance(screen, FeedsScreen):
                screen.show_feeds(message.feeds)

    def fetch_done(self, message: FetchDone) -> None:
        self.host.set_activity("" if not message.sync_follows else "syncing with the team server…")
        if not message.sync_follows:  # else the sync's notice says what both did
            self.tell(fetch_notice(message.outcomes))
        for notice in notify_notices(message.notified):  # a target that failed: never the fetch's failure
            self.tell(notice, timeout=12)
        self.tell_watch(message.alert_mark, message.alerts)
        self.host.reload()
        self.load_feeds()

    def sync_done(self, message: SyncDone) -> None:
        host = self.host
        host.state.sync = sync_note(message.pending, message.error)
        host.update_status()
        outcome = message.outcome
        if message.fetched is not None and outcome is not None:  # `r`/`R`: the feeds, then the server
            host.set_activity("")
            self.tell(fetch_notice(message.fetched, outcome))
        if outcome is not None and not outcome.ok:
            host.notify(clean_line(outcome.error or ""), title="Team server", severity="warning", markup=False)
        for note in outcome.notes if outcome is not None else ():  # a server that never ended its pages
            host.notify(clean_line(note), title="Team server", severity="warning", markup=False)
        if outcome is not None and outcome.ok and (outcome.items or outcome.pulled or outcome.new_feeds):
            host.reload()
            self.load_feeds()

    def failed(self, group: str | None, error: BaseException) -> None:
        """A worker failed: what it leaves tidied (the status line, the poll, the sidebar), then told."""
        host = self.host
        if group in ACTIVITY_GROUPS:
            host.set_activity("")
        elif group == "changes":  # locked for too long, or damaged: the next poll reads again
            host.watcher.forget()
        elif group == "feeds":  # the sidebar shows no feeds
            host.state.feeds = []
            host.fill_sidebar()
        if isinstance(error, LinkNotOpened):
            host.app.copy_to_clipboard(error.link)
        notice = failure_notice(group or "", error, host.lib.explain)
        if notice is not None:
            self.tell(notice)

    def count_waiting(self) -> None:
        """A change made here while the server is out of reach: one more waits (the status line)."""
        host = self.host
        if host.state.sync:
            pending, error = host.lib.sync_state()
            host.state.sync = sync_note(pending, error)
            host.update_status()

    # --- changes made by another process ------------------------------------------------------

    def poll_store(self) -> None:
        """Every few seconds: has another connection committed? (a few microseconds when not;
        nothing is repainted then). Our own workers reload when they finish: not while they run."""
        host = self.host
        self.check_config()
        if any(w.is_running and w.group in WRITER_GROUPS for w in host.app.workers):
            return
        query = host.state.query_text
        if host.watcher.moved(query):
            args = (query, host.entries.cached_ids(), host.article.entry_id, self.watch_alerts.mark)
            self._run(lambda: self._changes(*args), "changes")

    def store_changed(self, message: StoreChanged) -> bool:
        """Show what changed in place: counts, sidebar, list (the cursor on the same entry); what
        did not change is not repainted. False: the message is stale."""
        host, state = self.host, self.host.state
        self.tell_watch(message.alert_mark, message.alerts, settle=True)  # once, even when the rest is stale
        if not host.watcher.still_wanted(message, state.query_text):
            return False
        added = message.total - state.total
        now = (message.tag_counts, message.total, message.feeds, message.view_counts)
        if now != (state.tag_counts, state.total, state.feeds, state.view_counts):
            state.tag_counts, state.total, state.feeds, state.view_counts = now
            host.fill_sidebar()
        if added > 0:
            host.notify(
                f"{added} new {'entry' if added == 1 else 'entries'} in the store (g: top of the list)",
                markup=False,
                timeout=5,
            )
        entries = host.entries
        entries.replace_rows(message.rows)
        if message.ids is not None and message.ids != entries.ids:
            entries.set_ids(message.ids, keep=entries.current_id)
        return True


CONFIG_NOTE_SECONDS = 8.0  # how long the status line says "config reloaded"
ALERT_SETTLE = 1.5  # seconds without new matches from another process's fetch before they are told


def _file_stamp(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0

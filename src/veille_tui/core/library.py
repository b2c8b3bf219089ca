"""THE API of veille-tui: the CLI and the TUI talk to the data through `Library` only.

A `Library` holds the settings, the archive folder and one database connection. sqlite3
connections belong to the thread that uses them: a worker thread takes its own with
`with lib.for_thread() as wlib: ...`, closed when the block ends.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from veille_tui.core import config as config_mod
from veille_tui.core import hints, paths
from veille_tui.core.api import NO_ARCHIVE
from veille_tui.core.api.archive import ArchivePart
from veille_tui.core.api.assets import AssetsPart
from veille_tui.core.api.intel import IntelPart
from veille_tui.core.api.iocs import IocsPart
from veille_tui.core.api.notify import NotifyPart
from veille_tui.core.api.queries import QueriesPart
from veille_tui.core.api.server import ServerPart
from veille_tui.core.api.session import SessionPart
from veille_tui.core.api.state import StatePart
from veille_tui.core.api.stories import StoriesPart
from veille_tui.core.backup import daily as daily_backup
from veille_tui.core.digest import Digest
from veille_tui.core.errors import (
    DraftError,
    FullTextError,
    IntelError,
    QueryError,
    StoreError,
    database_error,
    explain_database_error,
)
from veille_tui.core.models import (
    ArticleContent,
    CveIntel,
    CveSummary,
    DraftPlan,
    Entry,
    Feed,
    FeedOutcome,
    FeedStatus,
    FullText,
    IntelOutcome,
    IntelStatus,
    KevRecord,
    SyncOutcome,
    Undone,
    WatchMatch,
)
from veille_tui.core.query import Query, parse

if TYPE_CHECKING:
    from veille_tui.core.doctor import Check, Repair
    from veille_tui.core.store import Store

# The fetch pipeline (httpx, asyncio), the intel and the doctor are imported by the methods that
# use them: `veille-tui list` and the TUI's first paint do not pay for them.

__all__ = [
    "NO_ARCHIVE",
    "CveIntel",
    "CveSummary",
    "Digest",
    "DraftError",
    "DraftPlan",
    "FeedOutcome",
    "FullTextError",
    "FullText",
    "IntelError",
    "IntelOutcome",
    "IntelStatus",
    "KevRecord",
    "Library",
    "SyncOutcome",
    "Undone",
    "WatchMatch",
]


QueryLike = Query | str | None


class Library(
    ArchivePart,
    IntelPart,
    IocsPart,
    ServerPart,
    AssetsPart,
    NotifyPart,
    SessionPart,
    StatePart,
    QueriesPart,
    StoriesPart,
):
    def __init__(
        self,
        settings: config_mod.Settings,
        archive: Path | None,
        store: Store | None = None,
        db_path: Path | None = None,
    ) -> None:
        self.settings = settings
        self.archive = archive
        self._store = store
        self.db_path = Path(store.path) if store is not None else (db_path or paths.database_file())

    @classmethod
    def open(
        cls,
        config: str | None = None,
        archive: str | None = None,
        db_path: Path | None = None,
        config_must_exist: bool = True,
    ) -> Library:
        """Settings and archive now; the database when it is first needed (`themes` and `feeds
        export` never open it). A --config file that does not exist is an error unless the caller
        is about to write it (config_must_exist=False)."""
        settings = config_mod.load(config, must_exist=config_must_exist)
        root = config_mod.resolve_archive(archive, settings)
        return cls(settings, root, db_path=db_path)

    @property
    def store(self) -> Store:
        """The database connection of this thread (for core code and tests; the front ends use the
        methods below)."""
        if self._store is None:
            from veille_tui.core.update import open_store

            settings = self.settings
            self._store = open_store(
                self.db_path,
                watch=settings.watch,
                rules=settings.rules,
                assets=settings.assets,
                config_stamp=settings.stamp,
            )
            self._backup_once_a_day(self._store)
        return self._store

    def use_settings(self, settings: config_mod.Settings) -> None:
        """Settings read elsewhere (a worker's reload_config) put in force on this connection."""
        self.settings = settings
        if self._store is not None:
            self._store.close()
            self._store = None

    _backed_up: dict[Path, date] = {}  # per process: the day each database was last looked at

    def _backup_once_a_day(self, store: Store) -> None:
        """The first command (or TUI start) of the day that opens the database writes the day's
        state backup beside it (core/backup.py)."""
        today = date.today()
        if Library._backed_up.get(self.db_path) == today:
            return
        Library._backed_up[self.db_path] = today
        daily_backup(self.db_path.parent, store.export_state, today)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def for_thread(self) -> Iterator[Library]:
        """The same library on a connection of its own, for a worker thread; closed at the end."""
        lib = Library(self.settings, self.archive, db_path=self.db_path)
        try:
            yield lib
        finally:
            lib.close()

    def explain(self, exc: BaseException) -> str:
        """What to tell the user about a database error met while reading or writing."""
        return explain_database_error(self.db_path, exc)

    def open_database(self) -> None:
        """Open the database now (a front end's start): a damaged one raises DatabaseDamaged, a busy
        or too new one StoreError, each with what to do."""
        try:
            _ = self.store
        except sqlite3.DatabaseError as exc:  # damaged beyond the first pages: met by the first reads
            self.close()
            raise database_error(self.db_path, exc) from None

    def database_exists(self) -> bool:
        return self._store is not None or self.db_path.exists()

    # --- doctor ---------------------------------------------------------------------------------

    def doctor(self, config_error: str | None = None) -> list[Check]:
        """Checks of config, database, archive, feeds, intel, backups, terminal, clipboard (the
        database is read on a connection of its own: a damaged one is a finding, not an error)."""
        from veille_tui.core.doctor import run_checks

        return run_checks(self.settings, self.archive, self.db_path, config_error)

    def repair_database(self) -> Repair:
        """A damaged database moved aside, rebuilt from the archive, read/starred state restored
        from the newest backup (nothing is done to a healthy one)."""
        self.close()
        from veille_tui.core.doctor import repair

        return repair(self.settings, self.archive, self.db_path)

    # --- reads ----------------------------------------------------------------------------------

    def entry_ids(self, query: QueryLike = None) -> list[int]:
        """Ids of the matching entries, newest first, in one SQLite step."""
        return self.store.entry_id_list(query)

    def entry_id_head(self, query: QueryLike, limit: int) -> list[int]:
        """The first `limit` ids of entry_ids(query), read without listing every match (the TUI
        shows them while the whole list is read in a thread)."""
        return self.store.entry_id_head(query, limit)

    def entries(self, query: QueryLike = None, limit: int = 100, offset: int = 0) -> list[Entry]:
        return self.store.entries(query, limit=limit, offset=offset)

    def entries_by_ids(self, ids: Sequence[int]) -> list[Entry]:
        return self.store.entries_by_ids(ids)

    def entry(self, entry_id: int) -> Entry | None:
        """One entry with its watch terms and the assets it touches (`affects`)."""
        entry = self.store.entry(entry_id)
        if entry is not None and self.settings.assets and "asset" in entry.tags:
            entry = replace(entry, affects=tuple(self.affects(entry_id)))
        return entry

    def article(self, entry_id: int, related: int = 31) -> ArticleContent | None:
        """What the article shows of an entry: with its body, its CVE ids' KEV and EPSS, the
        first `related` other stories of its cluster, its stored full text (None: gone)."""
        entry = self.entry(entry_id)
        if entry is None:
            return None
        return ArticleContent(
            entry,
            self.cve_intel(entry.cves) if entry.cves else {},
            tuple(self.store.related(entry_id, related)),
            self.store.full_text(entry_id),
            tuple(self.entry_iocs(entry_id)),
        )

    def full_text(self, entry_id: int) -> FullText | None:
        """The entry's stored full text (`.markdown`, `.words`, `.source`; `.error` the last
        attempt's failure, `.ok` whether there is a text), None when none was ever fetched."""
        return self.store.full_text(entry_id)

    def count(self, query: QueryLike = None) -> int:
        return self.store.count(query)

    def tag_counts(self) -> dict[str, int]:
        return self.store.tag_counts()

    def feed_statuses(self, sync: bool = True) -> list[FeedStatus]:
        """Every subscribed feed with its health (sync: the config's feeds written to the database
        first; a read-only poll passes False)."""
        if sync:
            self.store.sync_feeds(self.settings.feeds)
        return self.store.feed_statuses()

    def feed_health(self) -> list[tuple[Feed, FeedStatus | None]]:
        """Each subscribed feed with its health (`feeds list`): None for a feed the database has
        not seen (no database yet: none is created for this)."""
        feeds = self.feeds_with_titles(self.settings.feeds)
        if not self.database_exists():
            return [(feed, None) for feed in feeds]
        statuses = self.feed_statuses()
        by_url = {status.url: status for status in statuses}
        by_title = {status.title: status for status in statuses}
        return [(feed, by_url.get(feed.url) or by_title.get(feed.title)) for feed in feeds]

    def server_only_feeds(self) -> list[FeedStatus]:
        """The team server's feeds not subscribed here (their items come by `sync`)."""
        if not self.database_exists():
            return []
        return [s for s in self.feed_statuses() if s.server and not s.local]

    def feeds_with_titles(self, feeds: Iterable[Feed]) -> list[Feed]:
        """Feeds subscribed without a title take the title the feed gave on its last fetch."""
        from dataclasses import replace

        feeds = list(feeds)
        if all(f.title for f in feeds) or not self.database_exists():
            return feeds
        try:
            titles = self.store.site_titles()
        except StoreError:
            return feeds
        return [f if f.title else replace(f, title=titles.get(f.url, "")) for f in feeds]

    def data_version(self) -> int | None:
        """SQLite's counter of commits by other connections (None when it cannot be read)."""
        try:
            return int(self.store.db.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            return None

    # --- views --------------------------------------------------------------------------------

    def first_unread(self, ids: Sequence[int]) -> int | None:
        """The position in `ids` of the first unread entry, None when all are read."""
        return self.store.first_unread(ids)

    def next_unread(self, query: str, ts: int, entry_id: int, forward: bool = True) -> int | None:
        """The id of the first unread entry of the view `query` below the entry (ts, entry_id) of
        its list, or above it (forward=False); None: there is none (`n`, `N`)."""
        return self.store.next_unread_id(query, ts, entry_id, forward)

    def view_counts(self, views: Iterable[tuple[str, str]]) -> dict[str, int | None]:
        """Entries of each (view id, query): the sidebar's views (None: a query this store cannot
        answer, such as a flag a newer version brings)."""
        counts: dict[str, int | None] = {}
        for view_id, query in views:
            try:
                counts[view_id] = self.count(query)
            except QueryError:
                counts[view_id] = None
        return counts

    def tag_hint(self, query: str) -> hints.TagHint | None:
        """When `query` names a +tag that no entry has: what to say, and the words search to offer
        instead (None: every tag it names exists)."""
        parsed = parse(query)
        if "kev" in (*parsed.tags, *parsed.not_tags) or parsed.epss:  # intelligence not loaded: say so
            missing = hints.intel_hint(parsed, self.store.intel_counts())
            if missing is not None:
                return missing
        if not parsed.tags:
            return None
        return hints.tag_hint(parsed, self.tag_counts(), self.count)

    # --- full text ------------------------------------------------------------------------------

    def extract(self, target: int | str | Path) -> FullText:
        """The main text of an article page as Markdown: an entry id (its link fetched, the result
        stored with the entry, a failure recorded there too), an http(s) URL, or a saved page
        (.html, .html.gz). Raises FullTextError naming the entry, URL or file."""
        from veille_tui.core import fulltext

        settings = self.settings.fetch
        if isinstance(target, Path):
            try:
                return fulltext.from_file(target, settings)
            except fulltext.PageError as exc:
                raise FullTextError(str(exc)) from None
        if isinstance(target, str):
            (found,) = fulltext.from_urls([target], settings)
            if isinstance(found, fulltext.PageError):
                raise FullTextError(str(found))
            return found
        entry = self.store.entry(target)
        if entry is None:
            raise FullTextError(f"no entry with id {target}")
        if not entry.link:
            raise FullTextError(f"entry {target} has no link to fetch its page from")
        (result,) = fulltext.from_urls([entry.link], settings)
        if isinstance(result, fulltext.PageError):
            self.store.save_full_text_error(target, entry.link, result.reason)
            raise FullTextError(f"entry {target}: {result}")
        self.store.save_full_text(target, result)
        from veille_tui.core.update import full_text_stored

        full_text_stored(self.store, target)  # its watch terms, indicators, assets may be in the page only
        stored = self.store.full_text(target)
        return stored or result

    # --- feeds ----------------------------------------------------------------------------------

    def fetch(
        self,
        names: Sequence[str] = (),
        on_result: Callable[[FeedOutcome], None] | None = None,
        on_start: Callable[[int], None] | None = None,
        on_intel: Callable[[IntelOutcome], None] | None = None,
        on_full_text: Callable[[int, int], None] | None = None,
        parallel: bool = False,
    ) -> list[FeedOutcome]:
        """Fetch the feeds (all, or those matching names) and store what they bring; fetching all
        of them also refreshes the intel data that is due (at most once a day, [intel] enabled).
        An intel source that fails keeps its data and is reported through on_intel. Then the
        [[notify]] targets get the new matches (what they answered: `notified`). parallel: the
        cluster pass may fork a helper process (the command line; never from a thread)."""
        from veille_tui.core.update import update_feeds

        self.notify_prepare()
        outcomes = update_feeds(
            self.store,
            self.settings.feeds,
            self.settings.fetch,
            names,
            on_result,
            on_start,
            on_full_text,
            parallel=parallel,
        )
        if any(outcome.new for outcome in outcomes):  # a story drafted before its item came (a new database)
            with self.store.transaction():
                self.store.mark_drafted()
        if not names and self.settings.intel.enabled:
            for outcome in self.update_intel(due_only=True):
                if on_intel is not None:
                    on_intel(outcome)
        self.notify_after_fetch()
        return outcomes

    # --- watch alerts and rules ---------------------------------------------------------------

    def watch_mark(self) -> int:
        """Where the watch alerts stand now: `watch_alerts(mark)` gives those that come after."""
        return self.store.last_alert()

    def watch_alerts(self, after: int) -> tuple[int, list[WatchMatch]]:
        """The entries that fetches made match the watch list for the first time since `after`
        (a mark), and the new mark."""
        return self.store.alerts_after(after)

    def rule_matches(self, query: str, limit: int = 20) -> tuple[int, list[Entry]]:
        """What a rule with this query would match now, as a rule sees the entries (hidden ones
        too, `@7d` from when each was stored): how many, and the first `limit`, newest first."""
        parsed = parse(query)
        return self.store.count(parsed, as_rule=True), self.store.entries(parsed, limit=limit, as_rule=True)

"""The SQLite store: one database of entries (posts and feed items), their tags, feeds and state.

WAL mode, a busy timeout and short write transactions, so that a `fetch` from cron and the TUI
can run at once. Read/starred state is user data: it is written at once and survives re-indexing.

One class made of per-domain parts, each a module here: base (connection, migrations,
transactions, meta), posts (the archive), feeds (subscriptions and items), tags (own and derived
tags), derived (the SQL of the derived data: the update layer's hooks in core.enrich compute it,
once per write batch, over the entries each write returns), entries (reads), state
(read/starred, the outbox; its undo history in undo), sync (the team server's feeds and items),
intel (KEV and EPSS), watch (the watch alerts), fulltext (article pages), drafts (the archive's
drafts), clusters (story clusters), assets (the assets entries touch, the match alerts), notify
(the notifications' outbox), iocs (indicators of compromise); rows holds the row types, schema the
migrations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from veille_tui.core.errors import StoreError
from veille_tui.core.models import Rule
from veille_tui.core.store.assets import AssetsMixin
from veille_tui.core.store.clusters import ClustersMixin
from veille_tui.core.store.derived import DerivedMixin
from veille_tui.core.store.drafts import DraftsMixin
from veille_tui.core.store.entries import EntriesMixin
from veille_tui.core.store.feeds import FeedsMixin
from veille_tui.core.store.fulltext import FullTextMixin
from veille_tui.core.store.intel import IntelMixin
from veille_tui.core.store.iocs import IocsMixin
from veille_tui.core.store.notify import NotifyMixin
from veille_tui.core.store.posts import PostsMixin
from veille_tui.core.store.rows import FeedState
from veille_tui.core.store.schema import SCHEMA_VERSION
from veille_tui.core.store.state import StateMixin
from veille_tui.core.store.sync import SyncMixin
from veille_tui.core.store.watch import WatchMixin

__all__ = ["SCHEMA_VERSION", "FeedState", "Store", "StoreError"]


class Store(
    SyncMixin,
    PostsMixin,
    FeedsMixin,
    EntriesMixin,
    StateMixin,
    IntelMixin,
    IocsMixin,
    WatchMixin,
    FullTextMixin,
    DraftsMixin,
    ClustersMixin,
    AssetsMixin,
    NotifyMixin,
    DerivedMixin,
):
    """The database. One instance per thread (sqlite3 connections are not shared)."""

    def __init__(
        self,
        path: Path | str,
        watch: Iterable[str] | None = None,
        rules: Sequence[Rule] | None = None,
        *,
        config_stamp: int = 0,
    ) -> None:
        """config_stamp: when the config that gave watch and rules was written (its mtime in ns):
        a database derived from a newer config is not taken back to this one's (enrich.on_open)."""
        super().__init__(path, watch, rules)
        self.config_stamp = config_stamp

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

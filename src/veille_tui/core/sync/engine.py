"""One sync with the team server, in this order:

1. its subscriptions join the feeds (core/store/sync.py: marked as the server's);
2. its items crawled since the last sync (`ot`, kept in meta) come in as items of those feeds,
   through the fetch path's own writer (`Store.add_items`: folded by link into posts; then the
   hooks, core/enrich), a page
   per transaction (a sync killed half-way resumes: the items already stored are skipped);
3. the queued changes made here are pushed, batched (edit-tag with many `i=`), each leaving the
   queue once the server said OK (a change to a story the server does not hold stays queued: it is
   pushed once the server holds it, after `feeds add --server`);
4. the server's read and starred states are pulled (the unread, read and starred ids); what changed
   there since the last sync is taken, unless a change made here waits for the same entry: that one
   was made after the last sync, the later of the two (the server keeps no time of its changes). An
   entry becomes read here only when the server lists it as read, never because it no longer lists
   it as unread (purged there, or of a feed hidden from its main stream).

A failure anywhere is one SyncError: what was stored stays, the queue is kept.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

from veille_tui.core import enrich
from veille_tui.core.config import SyncSettings
from veille_tui.core.errors import SyncError
from veille_tui.core.models import SyncOutcome
from veille_tui.core.secret_files import read_secret_line, secret_from_command
from veille_tui.core.store import Store
from veille_tui.core.store.sync import NewServerItem, Pending, ServerFeedRow
from veille_tui.core.sync.client import READ, READING_LIST, STARRED, GReaderClient
from veille_tui.core.sync.items import ServerItem, server_feeds, server_item

PASSWORD_TIMEOUT = 30.0


def read_password(settings: SyncSettings) -> str:
    """The password from password_file (its first line), password_command (the first line of its
    output, run once per sync) or the config itself."""
    if settings.password is not None:
        return settings.password
    if settings.password_file is not None:  # refused when others can read it, as a password in the config
        return read_secret_line(Path(settings.password_file), "[sync] password_file", SyncError)
    command = settings.password_command or ""
    return secret_from_command(command, f"[sync] password_command {command}", "password", SyncError, PASSWORD_TIMEOUT)


def connect(settings: SyncSettings, timeout: float) -> GReaderClient:
    return GReaderClient(settings.url, settings.user, read_password(settings), timeout=timeout)


def sync(store: Store, settings: SyncSettings, timeout: float = 20.0) -> SyncOutcome:
    """One sync (see the module's docstring); a failure is reported in the outcome, never raised."""
    start = time.monotonic()
    outcome = SyncOutcome(server=settings.url)
    try:
        with connect(settings, timeout) as client:
            client.login()
            _pull_feeds(store, client, outcome)
            _pull_items(store, client, outcome)
            _push(store, client, outcome)
            _pull_states(store, client, outcome)
    except SyncError as exc:
        outcome.ok, outcome.error = False, str(exc)
        store.set_sync_meta(last_error=outcome.error, last_try=str(time.time()))
    else:
        store.set_sync_meta(last_error=None, last_ok=str(time.time()), last_try=str(time.time()))
    outcome.pending = store.pending_changes()
    outcome.seconds = round(time.monotonic() - start, 3)
    return outcome


def push_feed(settings: SyncSettings, feed_url: str, timeout: float = 20.0) -> str:
    """Subscribe the server to a feed (`feeds add --server`); its stream id there."""
    with connect(settings, timeout) as client:
        return client.quickadd(feed_url)


def _pull_feeds(store: Store, client: GReaderClient, outcome: SyncOutcome) -> None:
    feeds = server_feeds(client.subscriptions())
    before = set(store.server_feed_ids())
    ids = store.apply_server_feeds([ServerFeedRow(f.stream_id, f.url, f.title, f.tags) for f in feeds])
    outcome.feeds = len(ids)
    outcome.new_feeds = len(set(ids) - before)


def _pull_items(store: Store, client: GReaderClient, outcome: SyncOutcome) -> None:
    since = int(store.sync_meta("ot") or 0)
    feed_ids = store.server_feed_ids()
    newest = since
    unlisted: list[int] = []  # crawl times of items of a feed the subscription list did not have (yet)
    for page in client.stream_items(since=since):
        items = [item for raw in page if (item := server_item(raw)) is not None]
        outcome.dropped += len(page) - len(items)
        newest = max([newest, *(i.crawled for i in items)])
        known = store.known_server_ids([i.server_id for i in items])
        by_feed: dict[int, list[ServerItem]] = defaultdict(list)
        for item in items:
            feed_id = feed_ids.get(item.stream_id)
            if feed_id is None:
                unlisted.append(item.crawled)
            elif item.server_id not in known:
                by_feed[feed_id].append(item)
        if by_feed:
            outcome.items += _store_page(store, by_feed)
    if unlisted:  # a feed subscribed there during this sync: its items again next time
        newest = min(newest, min(unlisted) - 1)
    if client.cuts:  # the server never ended its pages: what came is kept, the rest asked again next time
        outcome.notes.append(f"{client.url}: {client.cuts[-1]}; the items read are kept")
    elif newest > since:
        store.set_sync_meta(ot=str(newest))


def _store_page(store: Store, by_feed: dict[int, list[ServerItem]]) -> int:
    """One page of new server items, in one transaction: stored as the fetch path stores items,
    then tied to their server ids and states."""
    now = time.time()
    added = 0
    with store.transaction():
        for feed_id, items in by_feed.items():
            result = store.add_items(feed_id, [i.item for i in items], now)
            enrich.written(store, result.changed, alerts=True)
            added += result.new + result.archived
            store.link_server_items(
                feed_id, [NewServerItem(i.server_id, i.item.guid or "", i.read, i.starred) for i in items]
            )
            store.server_feed_read(feed_id, now)
    return added


def _push(store: Store, client: GReaderClient, outcome: SyncOutcome) -> None:
    changes = store.pending()  # those of stories the server does not hold stay queued
    groups: dict[tuple[str, int], list[Pending]] = defaultdict(list)
    for change in changes:
        if change.server_ids:
            groups[(change.what, change.value)].append(change)
    for (what, value), group in groups.items():
        ids = sorted({server_id for c in group for server_id in c.server_ids})
        state = READ if what == "read" else STARRED
        if value:
            client.edit_tag(ids, add=state)
        else:
            client.edit_tag(ids, remove=state)
        store.pushed(group)
        outcome.pushed += len(group)


def _pull_states(store: Store, client: GReaderClient, outcome: SyncOutcome) -> None:
    cuts = len(client.cuts)
    unread = client.item_ids(READING_LIST, exclude=READ)
    read_ids = client.item_ids(READ)
    starred = client.item_ids(STARRED)
    if len(client.cuts) > cuts:  # states read from part of a list would be wrong: none is taken
        outcome.notes.append(f"{client.url}: {client.cuts[-1]}; its read/starred states are not taken")
        return
    changes: list[tuple[int, int, str, int]] = []
    for known in store.known_items():
        read = 0 if known.server_id in unread else 1 if known.server_id in read_ids else known.read
        star = 1 if known.server_id in starred else 0
        if read != known.read:
            changes.append((known.server_id, known.entry_id, "read", read))
        if star != known.starred:
            changes.append((known.server_id, known.entry_id, "starred", star))
    if changes:
        outcome.pulled = store.apply_server_states(changes)

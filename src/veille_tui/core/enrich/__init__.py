"""The hooks of the update layer: what is derived from an entry once it is written — its CVE ids
and the `cve` tag, the `watch` tag and the terms matched, the `kev` tag, what the [[rules]] do, the
story clusters.

The writers (the fetch pipeline in core/update.py, the archive indexer, sync) call `written` once
per write batch with the entries the store says it made or changed, inside the batch's
transaction; `on_open` when a database is opened (the watch list, the rules or the clusters' rules
changed since it was derived); `kev_changed` / `epss_changed` when intel data did. The pass is a
list of steps, each a module here (`cves`, `iocs`, `watch`, `kev`, `rules`, `clusters`), run in order; a
step writes its own tables through the store's methods (the SQL is the store's:
core/store/derived.py, clusters.py) and returns the tags it derives, which join the entries' tags
after their own, in the steps' order, before the next step runs (a rule's query sees the `watch`
tag).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from veille_tui.core.enrich import assets as _assets
from veille_tui.core.enrich import clusters as _clusters
from veille_tui.core.enrich import cves as _cves
from veille_tui.core.enrich import iocs as _iocs
from veille_tui.core.enrich import kev as _kev
from veille_tui.core.enrich import rules as _rules
from veille_tui.core.enrich import watch as _watch
from veille_tui.core.enrich.batch import Ahead, Batch, Step, Text
from veille_tui.core.models import Item, Rule
from veille_tui.core.text import find_cves

if TYPE_CHECKING:
    from veille_tui.core.store import Store

__all__ = [
    "CLUSTER_RULES",
    "STEPS",
    "Ahead",
    "Batch",
    "Step",
    "Text",
    "ahead",
    "ahead_of_items",
    "clusters_deferred",
    "enrich",
    "epss_changed",
    "found_in_items",
    "kev_changed",
    "on_open",
    "recompute_clusters",
    "refresh_assets",
    "refresh_clusters",
    "refresh_kev",
    "refresh_rules",
    "refresh_watch",
    "rules_key",
    "settle_clusters",
    "written",
]

# kev, assets and clusters read what cves wrote; rules read every tag before them
STEPS: tuple[Step, ...] = (_cves.step, _iocs.step, _watch.step, _kev.step, _assets.step, _rules.step, _clusters.step)

rules_key = _rules.rules_key
CLUSTER_RULES = _clusters.RULES
CLUSTER_RULES_KEY = "cluster_rules"
CONFIG_STAMP_KEY = "config_stamp"  # the mtime of the config the watch list and rules were derived from


def written(
    store: Store,
    changed: Mapping[int, Text],
    *,
    alerts: bool = False,
    ahead: Mapping[tuple[str, str], Ahead] | None = None,
) -> None:
    """The hook of a write batch: the derived data of the entries it made or changed (by id, with
    their text). alerts: the batch is a fetch's (its first watch matches are alerts). ahead: what
    `ahead` found in their texts where they were read."""
    if changed:
        enrich(store, changed, texts=changed, alerts=alerts, ahead=ahead)


def ahead(texts: Sequence[tuple[str, str, str]]) -> dict[tuple[str, str], Ahead]:
    """The work of the steps that read only an entry's title, body and link (cves, iocs), done on
    texts about to be written, by (title, body, link), wherever they are read: a reading helper
    process does it while this one writes (the archive's index). Pass it to `written`, which
    takes it for the entries of that title and body (and link)."""
    iocs = _iocs.ahead(texts)
    return {
        (title, body): Ahead(link, found, find_cves(title + "\n" + body))
        for (title, body, link), found in zip(texts, iocs, strict=True)
    }


# What `found_in_items` sends back per item: None (nothing found), or (indicators, CVE ids)
Found = list[tuple[dict[tuple[str, str], list[str]], list[str]] | None]


def _item_texts(items: Sequence[Item]) -> list[tuple[str, str, str]]:
    # what the writer's steps read of an entry made from the item: its title, its summary (the
    # plain text of an HTML body) and its link (store/feeds.py add_items)
    return [(item.title, item.summary, item.link or "") for item in items]


def found_in_items(items: Sequence[Item]) -> Found:
    """`ahead`'s work on a feed's items, done in the parser process that parsed them (the fetch's
    `then`), as a list in their order: their texts do not go through the pipe a second time."""
    texts = _item_texts(items)
    iocs = _iocs.ahead(texts)
    found: Found = []
    for (title, body, _), indicators in zip(texts, iocs, strict=True):
        cves = find_cves(title + "\n" + body)
        found.append((indicators, cves) if indicators or cves else None)
    return found


def ahead_of_items(items: Sequence[Item], found: Found) -> dict[tuple[str, str], Ahead]:
    """found_in_items' list back as `ahead`'s mapping, for `written` (the writer's side)."""
    return {
        (title, body): Ahead(link, *(known or ({}, [])))
        for (title, body, link), known in zip(_item_texts(items), found, strict=True)
    }


def enrich(
    store: Store,
    entry_ids: Iterable[int],
    *,
    texts: Mapping[int, Text] | None = None,
    steps: Sequence[Step] = STEPS,
    alerts: bool = False,
    ahead: Mapping[tuple[str, str], Ahead] | None = None,
) -> None:
    """One pass over the entries of a write batch. texts: the (title, body) the writer has at hand,
    by id; the others are read back. Inside `clusters_deferred`, the clusters step only notes the
    ids (clusters_pending), for one `settle_clusters` at its end."""
    ids = store.existing_ids(entry_ids)  # a batch may delete what it made: folds, prunes
    if not ids:
        return
    batch = Batch(
        store, ids, watch=store.watch, rules=store.rules, alerts=alerts, known_texts=texts or {}, ahead=ahead or {}
    )
    for step in steps:
        if store.defer_clusters and step is _clusters.step:
            store.note_clusters_pending(ids)
            continue
        store.add_derived_tags(step(batch))


@contextmanager
def clusters_deferred(store: Store, *, fork: bool = False) -> Iterator[None]:
    """Write batches inside this block note their entries for one cluster pass at its end (a
    fetch: one pass, not one a feed). What a killed block left is taken by the next one.
    fork: the pass may share its comparisons with a forked helper (clusters.step)."""
    store.defer_clusters = True
    try:
        yield
    finally:
        store.defer_clusters = False
    with store.transaction():
        settle_clusters(store, fork=fork)


def settle_clusters(store: Store, *, fork: bool = False) -> int:
    """The clusters of the entries a fetch deferred (clusters_pending), in one pass; how many."""
    pending = store.clusters_pending()
    if not pending:
        return 0
    step: Step = functools.partial(_clusters.step, fork=True) if fork else _clusters.step
    enrich(store, pending, steps=(step,))  # the ids still there (a fold may have taken one)
    store.clear_clusters_pending()
    return len(pending)


def on_open(store: Store) -> None:
    """A database opened with the config's watch list and rules: what derives from them made
    again over every entry when they differ from what it was derived with (kept in meta; a changed
    watch list applies the rules again: they may read the `watch` tag), and the clusters when
    their rules changed (this version's)."""
    if store.assets is not None and store.derived_key("assets") != _assets_key(store):
        with store.transaction():
            if store.derived_key("assets") != _assets_key(store):  # again: another process may have done it
                store.set_derived_key("assets", _assets_key(store))
                refresh_assets(store)
                if store.rules and store.synced[1]:
                    _reapply_rules(store)
    if any(_derived_moved(store)):
        with store.transaction():
            watch_moved, rules_moved = _derived_moved(store)  # again: another process may have done it
            if watch_moved or rules_moved:
                store.set_derived_key(CONFIG_STAMP_KEY, str(store.config_stamp))
            if watch_moved:
                store.set_derived_key("watch", _watch_key(store))
                refresh_watch(store, store.watch)
            if rules_moved or (watch_moved and store.rules and store.synced[1]):
                _reapply_rules(store)
    if store.derived_key("iocs") != _iocs.KEY:
        with store.transaction():
            if store.derived_key("iocs") != _iocs.KEY:  # again: another process may have done it
                _iocs.refresh_all(store)
    if store.derived_key(CLUSTER_RULES_KEY) != CLUSTER_RULES:
        with store.transaction():
            if store.derived_key(CLUSTER_RULES_KEY) != CLUSTER_RULES:  # again: another process may have done it
                recompute_clusters(store)


def _watch_key(store: Store) -> str:
    return json.dumps(list(store.watch), ensure_ascii=False)  # as written: entry_watch shows them so


def _assets_key(store: Store) -> str:
    return json.dumps([asset.key() for asset in store.assets or ()], ensure_ascii=False)


def _derived_moved(store: Store) -> tuple[bool, bool]:
    watch_known, rules_known = store.synced
    if int(store.derived_key(CONFIG_STAMP_KEY) or 0) > store.config_stamp:
        # derived from a newer config by another process (a TUI started before the config was
        # edited must not take every command back to the config it read)
        return False, False
    watch_moved = watch_known and store.derived_key("watch") != _watch_key(store)
    rules_moved = rules_known and (store.derived_key("rules") or "[]") != rules_key(store.rules)
    return watch_moved, rules_moved


def _reapply_rules(store: Store) -> None:
    with store.transaction():
        store.set_derived_key("rules", rules_key(store.rules))
        refresh_rules(store, store.rules)


def kev_changed(store: Store) -> None:
    """The KEV catalogue was replaced (in this transaction): the `kev` tag over every entry, and the
    rules again (a rule may read `+kev`)."""
    refresh_kev(store)
    if store.assets:
        _assets.refresh_kev(store)
    epss_changed(store)


def epss_changed(store: Store) -> None:
    """The EPSS scores were replaced: the rules again (a rule may read `epss:`)."""
    if store.rules and store.synced[1]:
        refresh_rules(store, store.rules)


def recompute_clusters(store: Store) -> None:
    """Every cluster recomputed (their rules changed, or asked)."""
    with store.transaction():
        refresh_clusters(store)
        store.set_derived_key(CLUSTER_RULES_KEY, CLUSTER_RULES)


def refresh_watch(store: Store, terms: Sequence[str]) -> None:
    """The watch list changed: its tag recomputed over every entry."""
    _watch.refresh_all(store, terms)


def refresh_assets(store: Store) -> None:
    """The asset inventory changed: what every entry touches recomputed, and its tag."""
    _assets.refresh_all(store)


def refresh_kev(store: Store) -> None:
    """The KEV catalogue changed: its tag recomputed over every entry."""
    _kev.refresh_all(store)


def refresh_rules(store: Store, rules: Sequence[Rule]) -> None:
    """The rules changed, or what they read did: what they did given back, and applied again."""
    _rules.refresh_all(store, rules)


def refresh_clusters(store: Store) -> None:
    """The story clusters recomputed over every entry (their rules changed, or asked)."""
    _clusters.refresh_all(store)

"""The asset inventory: the derived `asset` tag on the entries that touch an asset of `[[assets]]`
(their title, body or full text names it, or they name a CVE that KEV lists for it: core/assets.py
says what names an asset), what each touches (`entry_assets`), and the alerts: the entries a fetch
made touch an asset for the first time (`match_alerts`, kind 'asset').

A write batch's texts go through one compiled matcher (a regular expression over the folded text);
the recompute over every entry (the inventory changed) asks the full-text index for each name, which
folds the words as the matcher does."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from veille_tui.core.assets import Matcher
from veille_tui.core.enrich.batch import Batch
from veille_tui.core.models import Asset
from veille_tui.core.store.assets import KEV, TEXT

if TYPE_CHECKING:
    from veille_tui.core.store import Store

TAG = "asset"
ALERTS_KEPT = 30 * 86400


@functools.lru_cache(maxsize=4)
def matcher(assets: tuple[Asset, ...]) -> Matcher:
    return Matcher(assets)


def step(batch: Batch) -> Mapping[int, Sequence[str]]:
    store = batch.store
    assets = store.assets or ()
    if not assets:
        if store.assets is not None:
            store.set_entry_assets(batch.ids, {}, False, ALERTS_KEPT)
        return {}
    match = matcher(tuple(assets))
    texts = batch.texts()
    full = store.full_texts(batch.ids)
    found: dict[int, dict[str, set[str]]] = {}
    for entry_id in batch.ids:
        text = texts.get(entry_id)
        keys = match.find_keys(*(text or ("", "")), full.get(entry_id, ""))
        if keys:
            found[entry_id] = {key: {TEXT} for key in keys}
    _add_kev(found, match, store.kev_products(batch.ids))
    store.set_entry_assets(batch.ids, found, batch.alerts, ALERTS_KEPT)
    return {entry_id: (TAG,) for entry_id in found}


def _add_kev(found: dict[int, dict[str, set[str]]], match: Matcher, rows: list[tuple[int, str, str, str]]) -> None:
    keys_of: dict[tuple[str, str], set[str]] = {}
    for entry_id, _cve, vendor, product in rows:
        if (vendor, product) not in keys_of:
            keys_of[vendor, product] = match.kev_keys(vendor, product)
        for key in keys_of[vendor, product]:
            found.setdefault(entry_id, {}).setdefault(key, set()).add(KEV)


def refresh_all(store: Store) -> None:
    """What every entry touches recomputed (the inventory changed), set-based: the full-text index
    asked for each asset's names (and their plurals). No alert."""
    assets = tuple(store.assets or ())
    store.clear_assets()
    found: dict[int, dict[str, set[str]]] = {}
    if assets:
        match = matcher(assets)
        names_of: dict[str, list[str]] = {}
        for name, indexes in match.by_name.items():
            for index in indexes:
                names_of.setdefault(match.keys[index], []).append(name)
        for key, names in names_of.items():
            store.add_text_matches(key, [form for name in names for form in (name, name + "s", name + "es")])
        _add_kev(found, match, store.kev_products(None))
    store.reset_assets(found)


def refresh_kev(store: Store) -> None:
    """The KEV catalogue changed: the assets entries touch through it recomputed."""
    assets = tuple(store.assets or ())
    store.clear_assets(via=KEV)
    found: dict[int, dict[str, set[str]]] = {}
    if assets:
        _add_kev(found, matcher(assets), store.kev_products(None))
    store.reset_assets(found)

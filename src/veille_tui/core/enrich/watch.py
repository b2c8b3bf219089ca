"""The watch list: the derived `watch` tag on the entries whose title, body or stored full text
holds one of the watch terms (what the reader reads: link targets and URLs are not; accents and
case do not matter), the terms each one matched (`entry_watch`, shown by the article and `show`),
and the alerts: the entries a fetch made match for the first time (`watch_alerts`, read by the
TUI's bell and `fetch --watch`). The full-text indexes find the candidates (Store.watch_matches);
text.watch_places keeps those whose match is in readable text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from veille_tui.core.enrich.batch import Batch

if TYPE_CHECKING:
    from veille_tui.core.store import Store

TAG = "watch"
ALERTS_KEPT = 30 * 86400  # alerts older than this are dropped (every reader has seen them)


def step(batch: Batch) -> Mapping[int, Sequence[str]]:
    found = batch.store.watch_matches(batch.watch, batch.ids) if batch.watch else {}
    batch.store.set_watch_matches(batch.ids, found, batch.alerts, ALERTS_KEPT)
    return {entry_id: (TAG,) for entry_id in found}


def refresh_all(store: Store, terms: Sequence[str]) -> None:
    """The terms and the `watch` tag recomputed for every entry (the list changed). An entry that
    matches now is no alert: the list changed, no fetch brought it."""
    store.reset_watch(store.watch_matches(terms, None) if terms else {})

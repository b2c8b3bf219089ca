"""The alerts of fetches, read together: the entries a fetch made match the watch list (kind
`watch`), touch an asset (`asset`) or name a KEV CVE (`kev`) for the first time, since a mark (the
newest watch alert and match alert seen). Read by `fetch --watch` (Library.new_alerts) and the
notifications (core/notify)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from veille_tui.core.assets import asset_key
from veille_tui.core.models import Asset, WatchMatch

if TYPE_CHECKING:
    from veille_tui.core.store import Store

Mark = tuple[int, int]  # the newest watch alert and match alert seen
KINDS = ("watch", "asset", "kev")


def mark_now(store: Store) -> Mark:
    return store.last_alert(), store.last_match_alert()


def since(
    store: Store, mark: Mark, assets: Sequence[Asset], kinds: Sequence[str] = ("watch", "asset")
) -> tuple[Mark, list[WatchMatch]]:
    """The alerts of these kinds after mark (watch ones first, then the others, oldest first), and
    the new mark (up to what was read)."""
    watch_seq, match_seq = mark
    found: list[WatchMatch] = []
    if "watch" in kinds:
        watch_seq, watched = store.alerts_after(watch_seq)
        found += watched
    else:
        watch_seq = max(watch_seq, store.last_alert())
    last = store.last_match_alert()
    rows = [r for r in store.match_alerts_after(match_seq, last) if r[1] in kinds]
    if rows:
        by_key = {asset_key(a.product): a.product for a in assets}
        ids = [r[2] for r in rows]
        touched = store.assets_of(ids)
        cves = {e.id: e.cves for e in store.entries_by_ids(ids)}
        kev = store.kev_cves(c for named in cves.values() for c in named)
        seen: set[tuple[str, int]] = set()
        for _seq, kind, entry_id, title, link in rows:
            if (kind, entry_id) in seen:
                continue
            seen.add((kind, entry_id))
            if kind == "asset":
                terms = tuple(by_key.get(k, k) for k in sorted(touched.get(entry_id, {})))
            else:
                terms = tuple(c for c in cves.get(entry_id, ()) if c in kev)
            found.append(WatchMatch(entry_id, title, link, terms, kind))
    return (watch_seq, max(match_seq, last)), found

"""The derived `kev` tag: on the entries that name a CVE of CISA's Known Exploited
Vulnerabilities catalogue (the `kev` table, loaded by core/intel.py), and at fetch time the alerts
of those that name one for the first time (`match_alerts`, kind 'kev': notifications). Runs after
the `cves` step, whose entry_cves rows it reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from veille_tui.core.enrich.batch import Batch

if TYPE_CHECKING:
    from veille_tui.core.store import Store

TAG = "kev"
ALERTS_KEPT = 30 * 86400


def step(batch: Batch) -> Mapping[int, Sequence[str]]:
    found = batch.store.kev_entries(batch.ids)
    if batch.alerts and found:
        batch.store.add_match_alerts("kev", sorted(found), ALERTS_KEPT)
    return {entry_id: (TAG,) for entry_id in found}


def refresh_all(store: Store) -> None:
    """The catalogue changed: the `kev` tag recomputed over every stored entry, set-based, touching
    only the entries that gain or lose it."""
    store.recompute_kev_tag()

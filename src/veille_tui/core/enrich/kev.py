"""The derived `kev` tag: on the entries that name a CVE of CISA's Known Exploited
Vulnerabilities catalogue (the `kev` table, loaded by core/intel.py). Runs after the `cves` step,
whose entry_cves rows it reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from veille_tui.core.enrich.batch import Batch

if TYPE_CHECKING:
    from veille_tui.core.store import Store

TAG = "kev"


def step(batch: Batch) -> Mapping[int, Sequence[str]]:
    return {entry_id: (TAG,) for entry_id in batch.store.kev_entries(batch.ids)}


def refresh_all(store: Store) -> None:
    """The catalogue changed: the `kev` tag recomputed over every stored entry, set-based, touching
    only the entries that gain or lose it."""
    store.recompute_kev_tag()

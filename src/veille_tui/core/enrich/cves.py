"""CVE ids: those an entry's title and body name, in entry_cves and the entry's cves column,
and the derived `cve` tag on the entries that name one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from veille_tui.core.enrich.batch import Batch
from veille_tui.core.text import find_cves

TAG = "cve"


def step(batch: Batch) -> Mapping[int, Sequence[str]]:
    found = {entry_id: _cves(batch, text.title, text.body) for entry_id, text in batch.texts().items()}
    batch.store.set_entry_cves(batch.ids, found)
    return {entry_id: (TAG,) for entry_id, cves in found.items() if cves}


def _cves(batch: Batch, title: str, body: str) -> Sequence[str]:
    known = batch.ahead.get((title, body))  # found where it was read (enrich.ahead)
    return known.cves if known is not None else find_cves(title + "\n" + body)

"""Indicators of compromise: those an entry's title, summary and stored full text name (core/iocs:
the library and our filters; the entry's own site is not one), in entry_iocs with where each was
seen, and the derived `ioc` tag on the entries that name one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from veille_tui.core.enrich.batch import Batch

if TYPE_CHECKING:
    from veille_tui.core.store import Store

TAG = "ioc"
KEY = "1"  # what the extraction is; when it changes, every entry's indicators are found again (on_open)

Found = dict[int, dict[tuple[str, str], list[str]]]


def step(batch: Batch) -> Mapping[int, Sequence[str]]:
    texts = batch.texts()
    full = batch.store.full_texts_of(list(texts))
    found = _find(
        batch.store,
        ((i, (("title", t.title), ("summary", t.body), ("fulltext", full.get(i, "")))) for i, t in texts.items()),
    )
    batch.store.set_entry_iocs(batch.ids, found)
    return {entry_id: (TAG,) for entry_id, iocs in found.items() if iocs}


def _find(store: Store, places: Iterable[tuple[int, Sequence[tuple[str, str]]]]) -> Found:
    # here, not at import: opening a database (the TUI's start) imports the steps, not the patterns
    from veille_tui.core.iocs import extract_many, site_of

    places = list(places)
    links = store.entry_links([entry_id for entry_id, _ in places])
    jobs: list[tuple[str, str]] = []
    keys: list[tuple[int, str]] = []
    for entry_id, texts in places:
        own = site_of(links.get(entry_id, ""))
        for place, text in texts:
            if text:
                jobs.append((text, own))
                keys.append((entry_id, place))
    found: Found = {}
    for (entry_id, place), iocs in zip(keys, extract_many(jobs), strict=True):
        for kind, values in iocs.items():
            for value in values:
                found.setdefault(entry_id, {}).setdefault((kind, value), []).append(place)
    return found


def refresh_all(store: Store) -> None:
    """Every entry's indicators found again (the extraction changed, or a store made before it)."""
    from veille_tui.core.enrich.batch import Batch as _Batch

    for ids in store.all_entry_ids():
        store.add_derived_tags(step(_Batch(store, ids)))
    store.set_derived_key("iocs", KEY)

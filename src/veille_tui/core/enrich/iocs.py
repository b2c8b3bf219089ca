"""Indicators of compromise: those an entry's title, summary and stored full text name (core/iocs:
the library and our filters; the entry's own site is not one), in entry_iocs with where each was
seen, and the derived `ioc` tag on the entries that name one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from veille_tui.core.enrich.batch import Batch

if TYPE_CHECKING:
    from veille_tui.core.store import Store

TAG = "ioc"
KEY = "1"  # what the extraction is; when it changes, every entry's indicators are found again (on_open)

Found = dict[int, dict[tuple[str, str], list[str]]]


def step(batch: Batch) -> Mapping[int, Sequence[str]]:
    # the patterns are imported by the functions that use them, not with the steps: opening a
    # database (the TUI's start) imports the steps
    from veille_tui.core.iocs import site_of

    texts = batch.texts()
    full = batch.store.full_texts_of(list(texts))
    links = batch.store.entry_links(list(texts))
    found: Found = {}
    todo: list[tuple[int, str, Sequence[tuple[str, str]]]] = []
    for entry_id, text in texts.items():
        link = links.get(entry_id, "")
        known = batch.ahead.get((text.title, text.body))
        if known is not None and known.link == link:  # found where it was read, for this title, body and link
            if known.iocs:
                found[entry_id] = {key: list(places) for key, places in known.iocs.items()}
            if full.get(entry_id):
                todo.append((entry_id, site_of(link), (("fulltext", full[entry_id]),)))
        else:
            own = site_of(link)
            todo.append(
                (entry_id, own, (("title", text.title), ("summary", text.body), ("fulltext", full.get(entry_id, ""))))
            )
    for entry_id, more in _found(todo).items():
        into = found.setdefault(entry_id, {})
        for key, places in more.items():
            into.setdefault(key, []).extend(places)
    batch.store.set_entry_iocs(batch.ids, found)
    return {entry_id: (TAG,) for entry_id, iocs in found.items() if iocs}


def ahead(texts: Sequence[tuple[str, str, str]]) -> list[dict[tuple[str, str], list[str]]]:
    """What the step finds in each (title, body, link) about to be written (enrich.ahead): for an
    entry of that title, body and link, it takes that and reads only its stored full text, if any."""
    from veille_tui.core.iocs import site_of

    places = [(i, site_of(link), (("title", title), ("summary", body))) for i, (title, body, link) in enumerate(texts)]
    found = _found(places)
    return [found.get(i, {}) for i in range(len(texts))]


def _found(places: Sequence[tuple[int, str, Sequence[tuple[str, str]]]]) -> Found:
    """What (key, site, ((place, text), ...)) name, by key: one pass of the extraction over all."""
    from veille_tui.core.iocs import extract_many

    jobs: list[tuple[str, str]] = []
    keys: list[tuple[int, str]] = []
    for key, own, texts in places:
        for place, text in texts:
            if text:
                jobs.append((text, own))
                keys.append((key, place))
    found: Found = {}
    for (key, place), iocs in zip(keys, extract_many(jobs), strict=True):
        for kind, values in iocs.items():
            for value in values:
                found.setdefault(key, {}).setdefault((kind, value), []).append(place)
    return found


def refresh_all(store: Store) -> None:
    """Every entry's indicators found again (the extraction changed, or a store made before it)."""
    from veille_tui.core.enrich.batch import Batch as _Batch

    for ids in store.all_entry_ids():
        store.add_derived_tags(step(_Batch(store, ids)))
    store.set_derived_key("iocs", KEY)

"""Story clusters: which entries are one story (the rules are in cluster_rules.py), kept in
`entry_clusters` (each entry's cluster id, the component of the links it is in, and the title
words it is compared by).

`step` runs on every write batch, after the `cves` step: it finds the entries the batch's entries
link to (same link; CVE ids in common within CVE_DAYS; near-identical titles within TITLE_DAYS),
and recomputes the components they touch, and their stories: those of the batch's entries, of
their partners, and the ones an entry left (deleted: `clusters_dirty`, filled by a trigger). A
component's stories depend on it alone (`stories` walks the links of its entries). The result is the one
`refresh_all` gives over the whole table (a test holds them equal). `refresh_all` recomputes every
cluster: at start when the rules changed (`RULES`, in the meta table), or on demand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from veille_tui.core.enrich.batch import Batch
from veille_tui.core.enrich.cluster_rules import (
    CVE_DAYS,
    DAY,
    MIN_WORDS,
    RULES,
    TITLE_DAYS,
    Node,
    components,
    links,
    stories,
    title_words,
    words_key,
)

if TYPE_CHECKING:
    from veille_tui.core.store import Store

__all__ = ["RULES", "refresh_all", "step"]


def _node(row: tuple[int, int, str, str, str, str, str | None], fresh: bool = False) -> Node:
    entry_id, ts, source, link, cves, title, words = row
    found = title_words(title) if fresh or words is None else frozenset(words.split())
    return Node(entry_id, ts, source, link, tuple(cves.split()), found, title)


def _nodes(store: Store, ids: Iterable[int], fresh: bool = False) -> dict[int, Node]:
    found: dict[int, Node] = {}
    for row in store.cluster_rows(ids):
        node = _node(row, fresh)
        found[node.id] = node
    return found


def _spans(times: Iterable[int], reach: int) -> list[tuple[int, int]]:
    """The times' neighbourhoods [t - reach, t + reach], overlapping ones joined."""
    spans: list[tuple[int, int]] = []
    for ts in sorted(times):
        low, high = ts - reach, ts + reach
        if spans and low <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], high))
        else:
            spans.append((low, high))
    return spans


def _candidates(store: Store, batch: Mapping[int, Node]) -> dict[int, Node]:
    """The stored entries that may link to an entry of the batch: those within TITLE_DAYS of one,
    those with the same link, those naming one of its CVE ids within CVE_DAYS."""
    found: dict[int, Node] = {}
    for low, high in _spans((n.ts for n in batch.values() if len(n.words) >= MIN_WORDS), TITLE_DAYS * DAY):
        for row in store.cluster_rows_between(low, high):
            if row[0] not in batch:
                found[row[0]] = _node(row)
    others = store.ids_with_links(n.link for n in batch.values() if n.link)
    reach = CVE_DAYS * DAY
    for low, high in _spans((n.ts for n in batch.values() if n.cves), reach):
        cves = sorted({c for n in batch.values() if n.cves and low + reach <= n.ts <= high - reach for c in n.cves})
        others.update(store.ids_naming(cves, low, high))
    found.update(_nodes(store, others.difference(batch, found)))
    return found


def _write(
    store: Store, nodes: Mapping[int, Node], pairs: Sequence[tuple[int, int]], replace_all: bool = False
) -> None:
    """The nodes' stories and components (those of every pair among them) written."""
    story = stories(nodes, pairs)
    component = components(nodes, pairs)
    store.write_clusters(
        [(entry_id, story[entry_id], component[entry_id], words_key(node.words)) for entry_id, node in nodes.items()],
        replace_all,
    )


def step(batch: Batch) -> Mapping[int, Sequence[str]]:
    """The clusters the batch's entries touch, recomputed. Derives no tag."""
    store = batch.store
    fresh = _nodes(store, batch.ids, fresh=True)  # their titles may have changed: words computed again
    candidates = _candidates(store, fresh)
    # every pair with an entry of the batch (those among the candidates alone are left: their
    # other partners are not all there)
    pairs = list(links([*fresh.values(), *candidates.values()], probes=fresh.keys()))
    partners = {i for pair in pairs for i in pair if i not in fresh}
    dirty = store.take_dirty_clusters()
    touched = store.component_members(store.components_of([*fresh, *partners]) | set(dirty))
    affected = dict(fresh)
    known = {**candidates}
    missing = [i for i in touched | partners if i not in affected and i not in known]
    known.update(_nodes(store, missing))
    for entry_id in touched | partners:
        if entry_id not in affected and entry_id in known:
            affected[entry_id] = known[entry_id]
    # the pairs of the batch's entries are known; those among the others are found again
    others = [node for entry_id, node in affected.items() if entry_id not in fresh]
    _write(store, affected, [*pairs, *links(others)])
    return {}


def refresh_all(store: Store) -> None:
    """Every cluster recomputed, from every entry's title, date, link and CVE ids."""
    nodes = {row[0]: _node(row, fresh=True) for row in store.all_cluster_rows()}
    _write(store, nodes, list(links(list(nodes.values()))), replace_all=True)

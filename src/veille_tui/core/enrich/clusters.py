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

A fetch runs `step` once at its end over everything it stored (60,000 entries for 500 generated
feeds): its memory is bounded by comparing the batch's entries with their windows CHUNK at a
time (their title words stored first, then read back with the candidates), keeping ids, times and
pairs in arrays, and making the stories over arrays (`linked_stories`); the rows are the ones one
pass gives (a test holds chunks of 7, 40 and 1,000 equal).
"""

from __future__ import annotations

import logging
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain
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
    linked_stories,
    links,
    stories,
    title_words,
    words_key,
)

if TYPE_CHECKING:
    from veille_tui.core.store import Store

__all__ = ["RULES", "refresh_all", "step"]

log = logging.getLogger(__name__)


CHUNK = 2000  # the entries of a batch compared with their window at once (memory: a cold fetch brings 60,000)


def _node(row: tuple[int, int, str, str, str, str, str | None], fresh: bool = False) -> Node:
    entry_id, ts, source, link, cves, title, words = row
    found = title_words(title) if fresh or words is None else frozenset(words.split())
    return Node(entry_id, ts, source, link, tuple(cves.split()), found, title)


def _nodes(store: Store, ids: Iterable[int]) -> dict[int, Node]:
    found: dict[int, Node] = {}
    for row in store.cluster_rows(ids):
        node = _node(row)
        found[node.id] = node
    return found


def _store_words(store: Store, ids: Sequence[int]) -> tuple[array[int], array[int]]:
    """The entries' title words computed again (their titles may have changed) and stored (a new
    entry in a cluster of its own until its cluster is written); their times and ids in (time,
    id) order (arrays: no object an entry while the pass runs)."""
    order: list[tuple[int, int]] = []
    for start in range(0, len(ids), CHUNK):
        rows = store.cluster_titles(ids[start : start + CHUNK])
        store.write_cluster_words((entry_id, words_key(title_words(title))) for entry_id, _ts, title in rows)
        order += ((ts, entry_id) for entry_id, ts, _title in rows)
    order.sort()
    return array("q", (ts for ts, _id in order)), array("q", (entry_id for _ts, entry_id in order))


def _pairs(flat: array[int]) -> Iterator[tuple[int, int]]:
    """The pairs of a flat array (a, b, a, b...)."""
    return zip(flat[::2], flat[1::2], strict=True)


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


def _candidates(store: Store, chunk: Mapping[int, Node], skip: Callable[[int, int], bool]) -> dict[int, Node]:
    """The stored entries that may link to an entry of the chunk: those within TITLE_DAYS of one,
    those with the same link, those naming one of its CVE ids within CVE_DAYS; but those the
    chunk holds or skip(id, ts) names (the batch's entries compared already)."""
    found: dict[int, Node] = {}
    for low, high in _spans((n.ts for n in chunk.values() if len(n.words) >= MIN_WORDS), TITLE_DAYS * DAY):
        for row in store.cluster_rows_between(low, high):
            if row[0] not in chunk and not skip(row[0], row[1]):
                found[row[0]] = _node(row)
    others = store.ids_with_links(n.link for n in chunk.values() if n.link)
    reach = CVE_DAYS * DAY
    for low, high in _spans((n.ts for n in chunk.values() if n.cves), reach):
        cves = sorted({c for n in chunk.values() if n.cves and low + reach <= n.ts <= high - reach for c in n.cves})
        others.update(store.ids_naming(cves, low, high))
    for entry_id, node in _nodes(store, others.difference(chunk, found)).items():
        if not skip(entry_id, node.ts):
            found[entry_id] = node
    return found


def _member(members: array[int], entry_id: int) -> bool:
    """Whether the id is in the sorted array."""
    at = bisect_left(members, entry_id)
    return at < len(members) and members[at] == entry_id


def _batch_pairs(
    store: Store,
    times: array[int],
    ids: array[int],
    members: array[int],
    chunk_size: int,
    starts: Sequence[int] | None = None,
) -> array[int]:
    """Every linked pair with an entry of the batch (its entries' times and ids in (time, id)
    order, its ids sorted; their title words stored), flat, chunk_size entries at a time: each
    chunk against the entries of its window, those of the earlier chunks left out (their pairs
    with it are found). starts: only the chunks that start there (the others' pairs are another
    process's: _pairs_in_two)."""
    pairs = array("q")
    for start in range(0, len(ids), chunk_size) if starts is None else starts:
        first = (times[start], ids[start])

        def compared(entry_id: int, ts: int, first: tuple[int, int] = first) -> bool:
            return _member(members, entry_id) and (ts, entry_id) < first

        chunk = _nodes(store, ids[start : start + chunk_size])
        candidates = _candidates(store, chunk, compared)
        for pair in links([*chunk.values(), *candidates.values()], probes=chunk.keys()):
            pairs.extend(pair)
    return pairs


def _pairs_of_chunks(
    path: str, times: array[int], ids: array[int], members: array[int], chunk_size: int, starts: list[int]
) -> dict[int, array[int]]:
    """In the forked helper: the pairs of these chunks, read through a connection of its own."""
    from veille_tui.core.store import Store

    store = Store(path)
    try:
        return {start: _batch_pairs(store, times, ids, members, chunk_size, [start]) for start in starts}
    finally:
        store.close()


def _pairs_in_two(store: Store, times: array[int], ids: array[int], members: array[int], chunk_size: int) -> array[int]:
    """_batch_pairs with every other chunk's comparison done by a forked helper process while
    this one does the rest (a fetch's cluster pass, from the command line: the parser processes
    are done and a core is idle). What the pass wrote so far (the title words) is committed first,
    for the helper reads the store through its own connection; the pairs come out in the order
    one process gives them. Without fork, or if the helper fails, this process does it all."""
    import multiprocessing

    starts = list(range(0, len(ids), chunk_size))
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform
        return _batch_pairs(store, times, ids, members, chunk_size)
    store.commit_so_far()

    def here(part: list[int]) -> dict[int, array[int]]:
        return {start: _batch_pairs(store, times, ids, members, chunk_size, [start]) for start in part}

    try:
        pool = context.Pool(1)
    except OSError:  # no process to be had: this one does it all
        log.warning("cluster pass: no helper process", exc_info=True)
        return _batch_pairs(store, times, ids, members, chunk_size)
    with pool:
        job = pool.apply_async(_pairs_of_chunks, (str(store.path), times, ids, members, chunk_size, starts[1::2]))
        ours = here(starts[::2])
        try:
            theirs = job.get()
        except Exception:  # the helper failed: its chunks done here
            log.warning("cluster pass: the helper process failed; its part done here", exc_info=True)
            theirs = here(starts[1::2])
    pairs = array("q")
    for start in starts:
        pairs.extend(ours[start] if start in ours else theirs[start])
    return pairs


def step(batch: Batch, chunk_size: int = CHUNK, *, fork: bool = False) -> Mapping[int, Sequence[str]]:
    """The clusters the batch's entries touch, recomputed, the batch's entries compared with
    their windows chunk_size at a time (the result is the same whatever the size). Derives no tag.
    fork: the comparisons shared with a forked helper process when there are several chunks (a
    caller that may fork: no thread of its own running; the transaction is committed midway)."""
    store = batch.store
    times, ids = _store_words(store, batch.ids)
    members = array("q", sorted(ids))  # the batch (sorted arrays, not sets: the pass's memory)
    # every pair with an entry of the batch (those among the others alone are left: their other
    # partners are not all there)
    if fork and len(ids) > chunk_size:
        pairs = _pairs_in_two(store, times, ids, members, chunk_size)
    else:
        pairs = _batch_pairs(store, times, ids, members, chunk_size)
    del times, ids
    partners = {i for i in pairs if not _member(members, i)}
    dirty = store.take_dirty_clusters()
    touched = store.component_members(store.components_of(chain(members, partners)) | set(dirty))
    # the pairs of the batch's entries are known; those among the others are found again
    others = _nodes(store, [i for i in touched | partners if not _member(members, i)])
    del touched, partners
    for pair in links(list(others.values())):
        pairs.extend(pair)
    # the stories of the entries with a pair and of the others, from their times and link keys
    written = [(i, words_key(node.words)) for i, node in others.items()]
    del others
    ids, times, keys = array("q"), array("q"), array("q")  # those with a pair, and the others
    for entry_id, ts, key in store.cluster_link_keys(sorted(set(pairs).union(i for i, _words in written))):
        ids.append(entry_id)
        times.append(ts)
        keys.append(0 if key is None else key + 1)
    story, component = linked_stories(ids, times, keys, _pairs(pairs))
    store.set_clusters((i, story.get(i, i), component.get(i, i), "") for i in members)
    store.set_clusters((i, story.get(i, i), component.get(i, i), words) for i, words in written)
    return {}


def refresh_all(store: Store) -> None:
    """Every cluster recomputed, from every entry's title, date, link and CVE ids."""
    nodes = {row[0]: _node(row, fresh=True) for row in store.all_cluster_rows()}
    pairs = list(links(list(nodes.values())))
    story = stories(nodes, pairs)
    component = components(nodes, pairs)
    store.write_clusters(
        [(entry_id, story[entry_id], component[entry_id], words_key(node.words)) for entry_id, node in nodes.items()],
        replace_all=True,
    )

"""What is derived from an entry once it is written: its CVE ids and the `cve` tag, the `watch` tag
and the terms matched, the `kev` tag, what the [[rules]] do.

The store calls `enrich` once per write batch (an archive chunk, a feed's fetch) with the ids of
the entries it made or changed, inside the batch's transaction, after it wrote their text and their
own tags; `refresh_watch` when the watch list changed, `refresh_kev` when the KEV catalogue did,
`refresh_rules` when the rules (or what they read) did, `refresh_clusters` when the clusters' rules
did. The pass is a list of steps, each a module here (`cves`, `watch`, `kev`, `rules`, `clusters`),
run in order; a step writes its own tables and returns the tags it derives, which join the
entries' tags after their own, in the steps' order, before the next step runs (a rule's query sees
the `watch` tag).
Takes the sqlite3 connection and plain values: this package does not know the Store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence

from veille_tui.core.enrich import clusters as _clusters
from veille_tui.core.enrich import cves as _cves
from veille_tui.core.enrich import kev as _kev
from veille_tui.core.enrich import rules as _rules
from veille_tui.core.enrich import watch as _watch
from veille_tui.core.enrich.batch import Batch, Step, Text, add_tags, chunks, marks
from veille_tui.core.models import Rule

__all__ = [
    "CLUSTER_RULES",
    "STEPS",
    "Batch",
    "Step",
    "Text",
    "enrich",
    "refresh_clusters",
    "refresh_kev",
    "refresh_rules",
    "refresh_watch",
    "rules_key",
    "settle_clusters",
]

# kev and clusters read what cves wrote; rules read every tag before them
STEPS: tuple[Step, ...] = (_cves.step, _watch.step, _kev.step, _rules.step, _clusters.step)

rules_key = _rules.rules_key
CLUSTER_RULES = _clusters.RULES


def enrich(
    db: sqlite3.Connection,
    entry_ids: Iterable[int],
    *,
    watch: Sequence[str] = (),
    texts: Mapping[int, Text] | None = None,
    steps: Sequence[Step] = STEPS,
    rules: Sequence[Rule] = (),
    alerts: bool = False,
    defer_clusters: bool = False,
) -> None:
    """One pass over the entries of a write batch. texts: the (title, body) the writer has at hand,
    by id; the others are read back from entries_fts. alerts: the batch is a fetch's (the entries
    it makes match the watch list for the first time are alerts). defer_clusters: the clusters
    step only notes the ids (clusters_pending), for one `settle_clusters` at the end of a fetch."""
    wanted = list(dict.fromkeys(entry_ids))
    ids: list[int] = []  # those still there (a batch may delete what it made: folds, prunes)
    for chunk in chunks(wanted):
        ids += [entry_id for (entry_id,) in db.execute(f"SELECT id FROM entries WHERE id IN ({marks(chunk)})", chunk)]
    if not ids:
        return
    batch = Batch(db, ids, watch=tuple(watch), rules=tuple(rules), alerts=alerts, known_texts=texts or {})
    for step in steps:
        if defer_clusters and step is _clusters.step:
            db.executemany("INSERT OR IGNORE INTO clusters_pending (entry_id) VALUES (?)", [(i,) for i in ids])
            continue
        add_tags(db, step(batch))


def settle_clusters(db: sqlite3.Connection) -> int:
    """The clusters of the entries a fetch deferred (clusters_pending), in one pass; how many."""
    pending = [entry_id for (entry_id,) in db.execute("SELECT entry_id FROM clusters_pending")]
    if not pending:
        return 0
    enrich(db, pending, steps=(_clusters.step,))  # the ids still there (a fold may have taken one)
    db.execute("DELETE FROM clusters_pending")
    return len(pending)


def refresh_watch(db: sqlite3.Connection, terms: Sequence[str]) -> None:
    """The watch list changed: its tag recomputed over every entry."""
    _watch.refresh_all(db, terms)


def refresh_kev(db: sqlite3.Connection) -> None:
    """The KEV catalogue changed: its tag recomputed over every entry."""
    _kev.refresh_all(db)


def refresh_rules(db: sqlite3.Connection, rules: Sequence[Rule]) -> None:
    """The rules changed, or what they read did: what they did given back, and applied again."""
    _rules.refresh_all(db, rules)


def refresh_clusters(db: sqlite3.Connection) -> None:
    """The story clusters recomputed over every entry (their rules changed, or asked)."""
    _clusters.refresh_all(db)

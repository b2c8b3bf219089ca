"""[[rules]]: a query of the query language and what to do to the entries it matches (tags, read,
starred, hidden). Applied to the entries of each write batch, and to every entry when the rules
change (`refresh_all`: what the rules did is given back, then the rules apply again).

What a rule did is kept so that it can be given back: `rule_tags` holds the tags it added that the
entry did not have already, `rule_read` / `rule_star` the read / starred it set, `hidden` the rules'
alone. A rule never touches a state the analyst changed by hand (`hand_read` / `hand_star`, set
by the store's state writes, which also make that state the analyst's: `rule_*` cleared).

Rules apply in their order; a rule's query sees every entry (hidden ones too), with its own and
derived tags (`cve`, `watch`, `kev`) and the read/starred/hidden that the rules before it set, not
the tags other rules add. A relative date (`@7d`) counts from the time the entry was stored, so
that applying the rules again a month later matches what they matched then.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from veille_tui.core.enrich.batch import Batch, add_tags
from veille_tui.core.models import Rule
from veille_tui.core.query import compile_sql, parse

_IN = "SELECT value FROM json_each(?)"


def rules_key(rules: Sequence[Rule]) -> str:
    """What the rules do, as kept in meta: when it differs, the rules are applied again."""
    return json.dumps([rule.key() for rule in rules], ensure_ascii=False)


def step(batch: Batch) -> Mapping[int, Sequence[str]]:
    if not batch.rules and not _touched(batch.db):
        return {}
    ids = json.dumps(list(batch.ids))
    _undo(batch.db, f"IN ({_IN})", [ids])
    return _apply(batch.db, batch.rules, f"e.id IN ({_IN})", [ids])


def refresh_all(db: sqlite3.Connection, rules: Sequence[Rule]) -> None:
    """The rules changed (or what they read did: the watch list, KEV, EPSS): what they did is given
    back, then they apply to every entry."""
    _undo(db, None, [])
    add_tags(db, _apply(db, rules, "1", []))


def _touched(db: sqlite3.Connection) -> bool:
    """Has a rule ever done something here (so that a batch may have to give it back)?"""
    return db.execute("SELECT 1 FROM rule_tags LIMIT 1").fetchone() is not None or (
        db.execute("SELECT 1 FROM entries WHERE hidden = 1 OR rule_read = 1 OR rule_star = 1 LIMIT 1").fetchone()
        is not None
    )


def _undo(db: sqlite3.Connection, scope: str | None, params: list[Any]) -> None:
    """Give back what the rules did to the entries of scope (`IN (...)` over ids; None: every
    entry). A batch's entries have their own tags written afresh already: only the record of the
    rules' tags goes; over every entry, the tags go too (rows and the display column)."""
    narrow = f" AND id {scope}" if scope else ""
    if scope is None:
        updates = []
        for entry_id, rule_tags, shown in db.execute(
            "SELECT r.entry_id, group_concat(r.tag, ' '), e.tags FROM rule_tags r JOIN entries e ON e.id = r.entry_id"
            " GROUP BY r.entry_id"
        ):
            gone = set(rule_tags.split())
            updates.append((" ".join(t for t in shown.split() if t not in gone), entry_id))
        db.executemany("UPDATE entries SET tags = ? WHERE id = ?", updates)
        db.execute("DELETE FROM entry_tags WHERE (tag, entry_id) IN (SELECT tag, entry_id FROM rule_tags)")
        db.execute("DELETE FROM rule_tags")
    else:
        db.execute(f"DELETE FROM rule_tags WHERE entry_id {scope}", params)
    db.execute(f"UPDATE entries SET read = 0, rule_read = 0 WHERE rule_read = 1{narrow}", params)
    db.execute(f"UPDATE entries SET starred = 0, rule_star = 0 WHERE rule_star = 1{narrow}", params)
    db.execute(f"UPDATE entries SET hidden = 0 WHERE hidden = 1{narrow}", params)


def _apply(db: sqlite3.Connection, rules: Sequence[Rule], scope: str, params: list[Any]) -> dict[int, list[str]]:
    """Each rule over the entries of scope (a condition over `entries e`), in order; returns the
    tags they add that the entries do not have (recorded in rule_tags), for add_tags."""
    wanted: dict[int, list[str]] = {}
    for rule in rules:
        where, values = compile_sql(parse(rule.query), hidden=True, as_stored=True)
        hits = [i for (i,) in db.execute(f"SELECT e.id FROM entries e WHERE {scope} AND ({where})", [*params, *values])]
        if not hits:
            continue
        ids = json.dumps(hits)
        if rule.hide:
            db.execute(f"UPDATE entries SET hidden = 1 WHERE hidden = 0 AND id IN ({_IN})", (ids,))
        if rule.read:
            db.execute(
                f"UPDATE entries SET read = 1, rule_read = 1 WHERE read = 0 AND hand_read = 0 AND id IN ({_IN})", (ids,)
            )
        if rule.star:
            db.execute(
                f"UPDATE entries SET starred = 1, rule_star = 1 WHERE starred = 0 AND hand_star = 0 AND id IN ({_IN})",
                (ids,),
            )
        for entry_id in hits:
            wanted.setdefault(entry_id, []).extend(rule.tags)
    wanted = {entry_id: tags for entry_id, tags in wanted.items() if tags}
    if not wanted:
        return {}
    have: dict[int, set[str]] = {}
    for entry_id, tag in db.execute(
        f"SELECT entry_id, tag FROM entry_tags WHERE entry_id IN ({_IN})", (json.dumps(list(wanted)),)
    ):
        have.setdefault(entry_id, set()).add(tag)
    added = {
        entry_id: [t for t in dict.fromkeys(tags) if t not in have.get(entry_id, ())]
        for entry_id, tags in wanted.items()
    }
    added = {entry_id: tags for entry_id, tags in added.items() if tags}
    db.executemany(
        "INSERT OR IGNORE INTO rule_tags (tag, entry_id) VALUES (?, ?)",
        [(tag, entry_id) for entry_id, tags in added.items() for tag in tags],
    )
    return added

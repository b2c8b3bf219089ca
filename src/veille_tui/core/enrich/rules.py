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
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from veille_tui.core.enrich.batch import Batch
from veille_tui.core.models import Rule
from veille_tui.core.query import compile_sql, parse

if TYPE_CHECKING:
    from veille_tui.core.store import Store


def rules_key(rules: Sequence[Rule]) -> str:
    """What the rules do, as kept in meta: when it differs, the rules are applied again."""
    return json.dumps([rule.key() for rule in rules], ensure_ascii=False)


def step(batch: Batch) -> Mapping[int, Sequence[str]]:
    if not batch.rules and not batch.store.rules_touched():
        return {}
    batch.store.undo_rules(batch.ids)
    return _apply(batch.store, batch.rules, batch.ids)


def refresh_all(store: Store, rules: Sequence[Rule]) -> None:
    """The rules changed (or what they read did: the watch list, KEV, EPSS): what they did is given
    back, then they apply to every entry."""
    store.undo_rules(None)
    store.add_derived_tags(_apply(store, rules, None))


def _apply(store: Store, rules: Sequence[Rule], ids: Sequence[int] | None) -> dict[int, list[str]]:
    """Each rule over these entries (None: every entry), in order; returns the tags they add that
    the entries do not have (recorded in rule_tags), to be added."""
    wanted: dict[int, list[str]] = {}
    for rule in rules:
        where, values = compile_sql(parse(rule.query), hidden=True, as_stored=True)
        for entry_id in store.apply_rule(where, values, ids, hide=rule.hide, read=rule.read, star=rule.star):
            wanted.setdefault(entry_id, []).extend(rule.tags)
    return store.record_rule_tags({entry_id: tags for entry_id, tags in wanted.items() if tags})

"""[[rules]] and the watch terms, on the real SQLite file through Library: rules applied as entries
are stored, applied again when they change, what they did given back when they go, the analyst's
own changes kept; hidden entries out of every count but `is:hidden`; watch terms per entry and
the alerts a fetch makes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from veille_tui.core.errors import ConfigError
from veille_tui.core.library import Library
from veille_tui.core.models import Entry, Item
from veille_tui.core.update import store_fetch

FEED = "https://news.example.net/rss"
BASE = f'watch = ["fortinet", "ivanti epmm"]\n\n[[feeds]]\nurl = "{FEED}"\ntitle = "Example News"\ntags = ["news"]\n'


def _item(n: int, title: str, summary: str = "") -> Item:
    return Item(
        guid=f"g{n}",
        link=f"https://news.example.net/{n}",
        title=title,
        date="2026-07-25T00:00:00+00:00",
        ts=1_785_000_000 + n,
        summary=summary or title,
    )


ITEMS = [
    _item(1, "Fortinet patches FortiOS", "An advisory for CVE-2026-1001."),
    _item(2, "Ivanti EPMM exploited", "Ivanti EPMM and Fortinet devices, CVE-2026-1002."),
    _item(3, "Weekly sponsored webinar", "Join our sponsored webinar."),
    _item(4, "A quiet day"),
]


def _config(rules: str = "", watch: str = BASE) -> Path:
    path = Path(os.environ["VEILLE_TUI_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(watch + rules, encoding="utf-8")
    return path


def _open(rules: str = "", watch: str = BASE) -> Library:
    _config(rules, watch)
    return Library.open()


def _fetch(lib: Library, items: list[Item]) -> None:
    store = lib.store
    store.sync_feeds(lib.settings.feeds)
    (feed,) = store.feed_states()
    store_fetch(store, feed.id, status="ok", items=items)


def _by_title(lib: Library) -> dict[str, Entry]:
    return {e.title: e for e in lib.store.entries("", limit=0, as_rule=True)}


SPONSORED = '\n[[rules]]\nquery = "sponsored"\nhide = true\n'
HOT = '\n[[rules]]\nquery = "+watch cve:CVE-2026-1002"\ntag = ["hot", "news"]\nstar = true\n'
READ_QUIET = '\n[[rules]]\nquery = "quiet"\nread = true\n'


def test_rules_apply_as_entries_are_stored_and_see_derived_tags() -> None:
    with _open(SPONSORED + HOT + READ_QUIET) as lib:
        _fetch(lib, ITEMS)
        entries = _by_title(lib)
        assert entries["Weekly sponsored webinar"].hidden
        hot = entries["Ivanti EPMM exploited"]
        assert hot.tags == ("news", "cve", "watch", "hot") and hot.starred  # `news` was its own already
        assert entries["A quiet day"].read and not entries["Fortinet patches FortiOS"].read
        assert lib.count() == 3 and lib.count("is:hidden") == 1
        assert [e.title for e in lib.entries("is:hidden")] == ["Weekly sponsored webinar"]


def test_hidden_entries_are_out_of_every_count_and_view_but_is_hidden() -> None:
    with _open('\n[[rules]]\nquery = "ivanti"\nhide = true\n') as lib:
        _fetch(lib, ITEMS)
        assert lib.count() == 3 and lib.count("is:unread") == 3 and lib.count("+watch") == 1
        assert lib.count("ivanti") == 0 and lib.count("ivanti is:hidden") == 1  # search
        assert lib.count("cve:CVE-2026-1002") == 0 and lib.tag_counts()["watch"] == 1
        assert [c.cve for c in lib.cves()] == ["CVE-2026-1001"]
        (feed,) = lib.feed_statuses()
        assert (feed.total, feed.unread) == (3, 3)
        assert lib.rule_matches("ivanti")[0] == 1  # a rule sees it
        assert len(lib.entry_ids("")) == 3


def test_changed_rules_apply_again_and_a_removed_rule_gives_back_what_it_did() -> None:
    with _open(SPONSORED + HOT + READ_QUIET) as lib:
        _fetch(lib, ITEMS)
    with _open(READ_QUIET) as lib:  # sponsored and hot removed
        entries = _by_title(lib)
        assert not entries["Weekly sponsored webinar"].hidden
        hot = entries["Ivanti EPMM exploited"]
        assert hot.tags == ("news", "cve", "watch") and not hot.starred  # its own `news` tag stays
        assert entries["A quiet day"].read
        assert "hot" not in lib.tag_counts() and lib.count() == 4
    with _open("") as lib:
        assert not _by_title(lib)["A quiet day"].read  # the rule's read given back
    with _open('\n[[rules]]\nquery = "webinar"\ntag = ["promo"]\n') as lib:  # a new rule: every entry
        assert [e.title for e in lib.entries("+promo")] == ["Weekly sponsored webinar"]


def test_the_analysts_own_changes_survive_the_rules() -> None:
    with _open(READ_QUIET + HOT) as lib:
        _fetch(lib, ITEMS)
        quiet = _by_title(lib)["A quiet day"]
        hot = _by_title(lib)["Ivanti EPMM exploited"]
        assert quiet.read and hot.starred
        lib.set_read(quiet.id, False)  # by hand, after the rule ran
        lib.set_starred(hot.id, False)
    with _open(READ_QUIET + HOT + SPONSORED) as lib:  # the rules changed: applied again
        entries = _by_title(lib)
        assert not entries["A quiet day"].read and not entries["Ivanti EPMM exploited"].starred
        assert entries["Weekly sponsored webinar"].hidden
        _fetch(lib, [_item(4, "A quiet day", "quiet, edited")])  # stored again: the rule runs again
        assert not _by_title(lib)["A quiet day"].read
    with _open(READ_QUIET + '\n[[rules]]\nquery = "fortinet"\nread = true\n') as lib:
        fortinet = _by_title(lib)["Fortinet patches FortiOS"]
        assert fortinet.read
        lib.mark_all_read([fortinet.id])  # the analyst marks the view read: it is theirs now
    with _open(READ_QUIET) as lib:
        assert _by_title(lib)["Fortinet patches FortiOS"].read


def test_a_malformed_rule_is_an_error_naming_it() -> None:
    _config('\n[[rules]]\nquery = "+ok"\nread = true\n\n[[rules]]\nquery = "is:bogus +x"\nhide = true\n')
    with pytest.raises(ConfigError) as caught:
        Library.open()
    message = str(caught.value)
    assert "[[rules]] #2" in message and "is:bogus +x" in message and "is:hidden" in message
    _config('\n[[rules]]\nquery = "+ok"\n')
    with pytest.raises(ConfigError, match=r"\[\[rules\]\] #1 .*no action"):
        Library.open()
    _config('\n[[rules]]\nquery = "+ok"\nhide = "yes"\n')
    with pytest.raises(ConfigError, match=r"\[\[rules\]\] #1 .*hide must be true or false"):
        Library.open()


def test_watch_terms_per_entry_and_the_alerts_of_a_fetch() -> None:
    with _open() as lib:
        mark = lib.watch_mark()
        _fetch(lib, ITEMS[:2])
        mark, matches = lib.watch_alerts(mark)
        assert [(m.title, m.terms) for m in matches] == [
            ("Fortinet patches FortiOS", ("fortinet",)),
            ("Ivanti EPMM exploited", ("fortinet", "ivanti epmm")),
        ]
        entry = lib.entry(matches[1].id)
        assert entry is not None and entry.watch_terms == ("fortinet", "ivanti epmm")
        _fetch(lib, ITEMS)  # the same again, and two that do not match
        assert lib.watch_alerts(mark) == (mark, [])
        _fetch(lib, [_item(5, "FORTINET again: accents and case do not matter")])
        mark, matches = lib.watch_alerts(mark)
        assert [m.title for m in matches] == ["FORTINET again: accents and case do not matter"]
    with _open(watch=BASE.replace('"ivanti epmm"', '"fortios", "epmm"')) as lib:  # the list changed
        assert lib.watch_alerts(mark) == (mark, [])  # no fetch brought these: no alert
        entry = lib.entry(matches[0].id - 4)
        assert entry is not None and entry.watch_terms == ("fortinet", "fortios")


def test_a_relative_date_in_a_rule_counts_from_when_the_entry_was_stored() -> None:
    recent = '\n[[rules]]\nquery = "@2d"\ntag = ["fresh"]\n'
    with _open(recent) as lib:
        _fetch(lib, ITEMS)  # dated 2026-07-25
        old = _by_title(lib)["A quiet day"]
        lib.store.db.execute("UPDATE entries SET added = ts + 86400 WHERE id = ?", (old.id,))  # stored a day after
    with _open(recent + READ_QUIET) as lib:  # applied again, long after
        assert [e.title for e in lib.entries("+fresh")] == ["A quiet day"]


def test_asking_whether_a_rule_ever_did_something_reads_an_index_not_every_entry() -> None:
    # each write batch asks it when no rule is configured: a scan of every entry was ~6 % of a cold
    # fetch of 500 feeds (issue 22)
    with _open() as lib:
        _fetch(lib, ITEMS)
        assert not lib.store.rules_touched()
        plan = lib.store.db.execute(
            "EXPLAIN QUERY PLAN SELECT 1 FROM entries WHERE hidden = 1 OR rule_read = 1 OR rule_star = 1 LIMIT 1"
        ).fetchall()
        assert "entries_ruled" in " ".join(str(row[-1]) for row in plan)
    with _open(SPONSORED) as lib:
        _fetch(lib, ITEMS)
        assert lib.store.rules_touched()

"""The undo history (issue 20, item 3): every read/starred change made through Library (`u`, `s`,
`A`, `M`, `mark`) is one step, undone newest first, at least 20 deep, kept in the database (a new
Library or another process undoes it), the restored state queued for the team server; the rules'
changes are never a step."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import run_cli

from veille_tui.core.library import Library
from veille_tui.core.models import Item, Undone
from veille_tui.core.store.undo import KEEP_STEPS
from veille_tui.core.update import store_fetch

FEED = "https://news.example.net/rss"
CONFIG = f'[[feeds]]\nurl = "{FEED}"\ntitle = "News"\n'
QUIET_RULE = '\n[[rules]]\nquery = "quiet"\nread = true\n'


def _item(n: int, title: str = "", summary: str = "") -> Item:
    return Item(
        guid=f"g{n}",
        link=f"https://news.example.net/{n}",
        title=title or f"Story number {n} about thing {n * 7919 % 1000}",
        date="2026-07-25T00:00:00+00:00",
        ts=1_785_000_000 + n * 60,
        summary=summary or f"Body {n}",
    )


def _open(items: list[Item], rules: str = "") -> Library:
    config = Path(os.environ["VEILLE_TUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG + rules, encoding="utf-8")
    lib = Library.open()
    store = lib.store
    store.sync_feeds(lib.settings.feeds)
    (feed,) = store.feed_states()
    store_fetch(store, feed.id, status="ok", items=items)
    return lib


def _state(lib: Library) -> dict[int, tuple[bool, bool]]:
    return {e.id: (e.read, e.starred) for e in lib.entries("", limit=0)}


def _undo(lib: Library) -> tuple[str, int] | None:
    done = lib.undo()
    assert done is None or isinstance(done, Undone)
    return None if done is None else (done.what, done.entries)


def _outbox(lib: Library) -> dict[tuple[int, str], int]:
    return {(e, w): v for e, w, v in lib.store.db.execute("SELECT entry_id, what, value FROM outbox")}


def test_a_toggle_of_read_and_one_of_starred_are_undone_newest_first() -> None:
    with _open([_item(n) for n in range(1, 4)]) as lib:
        assert lib.undo() is None  # nothing yet
        first, second, _ = lib.entry_ids()
        before = _state(lib)
        lib.set_read(first, True)  # u
        lib.set_starred(second, True)  # s
        assert lib.undo_steps() == 2
        assert _undo(lib) == ("star 1 entry", 1)
        assert _state(lib) == {**before, first: (True, False)}
        assert _undo(lib) == ("mark 1 entry read", 1)
        assert _state(lib) == before
        assert lib.undo() is None


def test_a_change_that_changes_nothing_is_no_step() -> None:
    with _open([_item(1)]) as lib:
        (entry,) = lib.entry_ids()
        lib.set_read(entry, False)  # unread already
        assert lib.mark_all_read([]) == 0
        assert lib.undo_steps() == 0 and lib.undo() is None


def test_a_view_marked_read_comes_back_unread_but_what_was_read_before() -> None:
    with _open([_item(n) for n in range(1, 41)]) as lib:
        ids = lib.entry_ids()
        for entry_id in ids[:5]:
            lib.set_read(entry_id, True)
        before = _state(lib)
        assert lib.mark_all_read(ids) == 35  # A
        assert all(read for read, _ in _state(lib).values())
        assert lib.next_undo() == lib.next_undo()  # a look: nothing done
        preview = lib.next_undo()
        assert preview is not None and preview.read is False and preview.starred is None
        assert sorted(preview.read_ids) == sorted(ids[5:])  # what the front end shows unread at once
        done = lib.undo()
        assert done == preview and (done.what, done.entries) == ("mark 35 entries read", 35)
        assert _state(lib) == before  # the 5 read before stay read
        assert lib.count("is:unread") == 35


def test_a_cluster_marked_read_is_undone() -> None:
    cve = "CVE-2026-4242"
    items = [
        _item(1, f"Vendor alpha patches {cve}", f"Advisory for {cve}."),
        _item(2, f"Active exploitation of {cve} seen", f"{cve} is exploited."),
        _item(3, "Unrelated story on gardening"),
    ]
    with _open(items) as lib:
        entry = lib.entry_ids(f"cve:{cve}")[0]
        cluster = lib.cluster_ids(entry)
        assert len(cluster) == 2
        before = _state(lib)
        assert lib.mark_cluster_read(entry) == 2  # M
        assert _undo(lib) == ("mark 2 entries read", 2)
        assert _state(lib) == before


def test_mark_of_read_and_star_together_is_one_step() -> None:
    with _open([_item(n) for n in range(1, 4)]) as lib:
        a, b, c = lib.entry_ids()
        lib.set_read(a, True)
        before = _state(lib)
        assert lib.mark([a, b], read=True, starred=True) == 3  # a was read already
        done = lib.undo()
        assert done is not None and (done.what, done.entries) == ("mark 1 entry read, star 2 entries", 2)
        assert done.read is False and done.read_ids == (b,) and done.starred is False
        assert sorted(done.starred_ids) == sorted([a, b])
        assert _state(lib) == before
        assert _undo(lib) == ("mark 1 entry read", 1)  # the step before


def test_more_than_twenty_levels_and_the_oldest_dropped_past_the_cap() -> None:
    count = KEEP_STEPS + 5
    with _open([_item(n) for n in range(1, count + 1)]) as lib:
        ids = lib.entry_ids()
        for entry_id in ids:  # one step each
            lib.set_read(entry_id, True)
        assert lib.undo_steps() == KEEP_STEPS >= 20
        for n, entry_id in enumerate(reversed(ids)):
            if n == KEEP_STEPS:
                break
            assert _undo(lib) == ("mark 1 entry read", 1)
            assert lib.entry(entry_id).read is False  # the newest first
        assert lib.undo() is None
        assert [lib.entry(i).read for i in ids[:5]] == [True] * 5  # too old to undo


def test_the_history_survives_a_new_library_and_another_connection() -> None:
    with _open([_item(n) for n in range(1, 4)]) as lib:
        ids = lib.entry_ids()
        lib.mark_all_read(ids)
        lib.set_starred(ids[0], True)
    with Library.open() as again:
        assert _undo(again) == ("star 1 entry", 1)
        with again.for_thread() as other:  # a second connection sees the same history
            assert _undo(other) == ("mark 3 entries read", 3)
        assert again.undo() is None
        assert again.count("is:unread") == 3


def test_the_outbox_gets_the_restored_state() -> None:
    with _open([_item(n) for n in range(1, 4)]) as lib:
        a, b, c = lib.entry_ids()
        lib.set_read(a, True)
        lib.mark_all_read([a, b, c])
        assert _outbox(lib) == {(a, "read"): 1, (b, "read"): 1, (c, "read"): 1}
        lib.undo()
        assert _outbox(lib) == {(a, "read"): 1, (b, "read"): 0, (c, "read"): 0}
        lib.undo()
        assert _outbox(lib) == {(a, "read"): 0, (b, "read"): 0, (c, "read"): 0}


def test_the_rules_changes_are_never_a_step_and_undo_leaves_them() -> None:
    items = [_item(1, "A quiet day"), _item(2, "Loud news")]
    with _open(items, QUIET_RULE) as lib:
        quiet = lib.entry_ids("quiet")[0]
        assert lib.entry(quiet).read  # the rule's doing
        assert lib.undo_steps() == 0 and lib.undo() is None
        loud = lib.entry_ids("loud")[0]
        lib.set_read(loud, True)
        assert _undo(lib) == ("mark 1 entry read", 1)
        assert lib.entry(quiet).read and not lib.entry(loud).read


def test_an_entry_marked_with_undoable_false_makes_no_step() -> None:
    with _open([_item(1)]) as lib:
        (entry,) = lib.entry_ids()
        lib.set_read(entry, True, undoable=False)  # e.g. opened
        assert lib.entry(entry).read and lib.undo() is None


def test_mark_undo_from_the_shell() -> None:
    with _open([_item(n) for n in range(1, 6)]) as lib:
        ids = lib.entry_ids()
    nothing = run_cli("mark", "--undo", check=False)
    assert nothing.returncode == 1 and "nothing to undo" in nothing.stderr
    run_cli("mark", "--query", "story", "--read")
    run_cli("mark", str(ids[0]), "--star")
    done = run_cli("mark", "--undo", "--json")
    assert json.loads(done.stdout) == {"undone": "star 1 entry", "entries": 1, "pending": 0, "left": 1}
    done = run_cli("mark", "--undo")
    assert "undone: mark 5 entries read" in done.stderr
    listed = json.loads(run_cli("list", "--json").stdout)
    assert not any(e["read"] or e["starred"] for e in listed)
    assert run_cli("mark", "--undo", check=False).returncode == 1
    wrong = run_cli("mark", "--undo", "--read", str(ids[0]), check=False)
    assert wrong.returncode == 2 and "--undo takes nothing else" in wrong.stderr


def test_a_change_made_in_another_process_is_undone_here() -> None:
    with _open([_item(n) for n in range(1, 4)]) as lib:
        ids = lib.entry_ids()
        run_cli("mark", *map(str, ids[:2]), "--read")
        assert _undo(lib) == ("mark 2 entries read", 2)
        assert lib.count("is:unread") == 3

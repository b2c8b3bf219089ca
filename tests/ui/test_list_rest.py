"""A big view in two steps (tui/list_reader.py): its first rows at once, the whole list from a
thread. Once the rest came, the list, its count and the keys are those of the whole list; keys
pressed before it came behave as with the whole list (those that need it wait for it); a rest
that a newer view replaced is not shown."""

from __future__ import annotations

import threading

from tests.ui.helpers import idle, main, status

from veille_tui.core.models import Item
from veille_tui.tui.list_reader import Rest, RestRead
from veille_tui.tui.screens.parts.listing import HEAD

SIZE = (160, 48)
MANY = 400


def many_items(lib) -> None:
    """400 items of the news feed (tag `fixnews`), each naming Fortinet, two a day."""
    store = lib.store
    feed_id = next(s.id for s in store.feed_states() if s.title == "Fixture News")
    items = [
        Item(
            guid=f"many-{k}",
            link=f"https://news.example.org/many/{k}",
            title=f"Fortinet advisory {k}",
            date="2026-08-01T00:00:00+00:00",
            ts=1_785_000_000 + k * 43_200,
            summary=f"Fortinet fixes flaw number {k}.",
        )
        for k in range(MANY)
    ]
    from veille_tui.core.update import store_fetch

    store_fetch(store, feed_id, status="ok", items=items)


async def test_a_big_view_is_whole_once_its_rest_is_read(make_app, lib) -> None:
    many_items(lib)
    whole = lib.entry_ids("fortinet")
    assert len(whole) > HEAD + 1
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        screen = main(app)
        await pilot.press("slash", *"fortinet", "enter", "G")  # G at once: it waits for the whole list
        assert screen.entries.cursor == len(whole) - 1
        assert screen.entries.current_id == whole[-1]
        await idle(pilot)
        assert screen.entries.shown_count == (len(whole), False)
        assert screen.entries.ids == whole
        assert f"{len(whole)} entries" in status(screen) and "+" not in status(screen)
        await pilot.press("g", "n")  # the first unread entry opens: the top one
        await idle(pilot)
        assert screen.article.entry_id == whole[0]
        await pilot.press("bracketright")  # a tag: the list follows
        await idle(pilot)
        assert screen.entries.ids == lib.entry_ids(screen.state.query_text)


async def test_keys_before_the_rest_came(make_app, lib) -> None:
    many_items(lib)
    whole = lib.entry_ids("+fixnews")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        screen = main(app)
        entries = screen.entries
        screen.apply("+fixnews")  # the view, as the thread's part played by the test shows it
        await idle(pilot)
        rest = Rest("+fixnews")  # given when the test says
        entries.set_ids(whole[: HEAD + 1], rest=rest)
        screen.update_status()
        await pilot.pause()
        assert entries.shown_count == (HEAD + 1, True)
        assert f"{HEAD + 1}+ entries" in status(screen)
        await pilot.press("j", "j", "down")  # within the first rows: no wait
        assert entries.cursor == 3 and entries.shown_count == (HEAD + 1, True)
        threading.Timer(0.2, rest.give, [whole]).start()
        await pilot.press("G")  # past them: waits for the rest
        assert entries.cursor == len(whole) - 1 and entries.current_id == whole[-1]
        screen.post_message(RestRead(rest))  # the thread's message, after the key took the rest
        await pilot.pause()
        assert entries.ids == whole and f"{len(whole)} entries" in status(screen)
        # an entry further down than the first rows (`n` to it, a click) is found in the whole list
        rest = Rest("+fixnews")
        entries.set_ids(whole[: HEAD + 1], rest=rest)
        threading.Timer(0.1, rest.give, [whole]).start()
        assert entries.index_of(whole[300]) == 300
        assert entries.shown_count == (len(whole), False)


async def test_the_rest_of_a_changed_store_keeps_the_cursor_on_its_entry(make_app, lib) -> None:
    many_items(lib)
    whole = lib.entry_ids("+fixnews")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        screen = main(app)
        entries = screen.entries
        screen.apply("+fixnews")  # the view, as the thread's part played by the test shows it
        await idle(pilot)
        rest = Rest("+fixnews")
        entries.set_ids(whole[: HEAD + 1], rest=rest)
        await pilot.press("j", "j")
        chosen = entries.current_id
        newer = [whole[-1], *whole[:-1]]  # one entry more at the top (another process's fetch)
        rest.give(newer)
        screen.post_message(RestRead(rest))
        await pilot.pause()
        assert entries.ids == newer
        assert entries.current_id == chosen and entries.cursor == 3


async def test_a_replaced_rest_is_not_shown(make_app, lib) -> None:
    many_items(lib)
    first, second = lib.entry_ids("+fixnews"), lib.entry_ids("fortinet -fixcert")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        screen = main(app)
        entries = screen.entries
        screen.apply("fortinet -fixcert")
        await idle(pilot)
        old, new = Rest("+fixnews"), Rest("fortinet -fixcert")
        entries.set_ids(first[:10], rest=old)
        entries.set_ids(second[:10], rest=new)
        assert old.dropped and not new.dropped
        old.give(first)
        screen.post_message(RestRead(old))
        await pilot.pause()
        assert entries.shown_count == (10, True)
        new.give(second)
        screen.post_message(RestRead(new))
        await pilot.pause()
        assert entries.shown_count == (len(second), False) and entries.ids == second


async def test_the_first_screen_of_a_big_store_shows_its_first_rows_then_the_whole_list(make_app, lib) -> None:
    """The first frame needs only the first rows (read while Textual is imported: Preload), the
    count of all entries and the tags; the whole list comes from the list's thread, as for a view."""
    from veille_tui.tui import Preload

    many_items(lib)
    whole = lib.entry_ids("")
    assert len(whole) > HEAD + 1
    loaded = Preload(lib).get()
    assert loaded is not None
    first, tags, total = loaded
    assert first == whole[: HEAD + 1] and total == len(whole) and tags == lib.tag_counts()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        assert screen.state.total == len(whole)  # the sidebar's count of all entries, from the first frame
        await pilot.press("G")  # at once: it waits for the whole list
        assert screen.entries.current_id == whole[-1]
        await idle(pilot)
        assert screen.entries.shown_count == (len(whole), False) and screen.entries.ids == whole
        assert f"{len(whole)} entries" in status(screen) and "+" not in status(screen)

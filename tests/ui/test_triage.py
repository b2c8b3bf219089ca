"""A morning's triage at the keyboard (issue 11): the sidebar's views with their counts, `n` and
`N`, `space` through an article to the next, `z`, `backspace`, `A`, each view's cursor kept
(bug 5), the query history kept across runs, a query saved to the sidebar, a tag no entry has
(bug 10)."""

from __future__ import annotations

from tests.helpers import present
from textual.widgets import Input

from veille_tui.core.library import Library
from veille_tui.core.models import Item
from veille_tui.tui.screens.dialogs import QueryScreen

from .helpers import fetched, focused, main, settle, status, top

SIZE = (160, 48)


def add_long_items(lib: Library, count: int = 3) -> None:
    """Unread items with bodies longer than the article pane."""
    body = "\n\n".join(f"Paragraph {n} of a long advisory about Fortinet and other appliances." for n in range(40))
    fetched(
        lib,
        "Fixture CERT",
        [
            Item(
                guid=f"long{n}",
                link=f"https://cert.example.org/long/{n}",
                title=f"Long advisory {n}",
                date=f"2026-08-2{6 + n}T10:00:00+00:00",
                ts=1787738400 + n * 86400,
                summary=body,
            )
            for n in range(count)
        ],
    )


async def test_the_sidebar_lists_the_views_with_their_counts(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sidebar = main(app).sidebar
        views = [(row.label, row.count) for row in sidebar.rows if row.id.startswith("view:")]
        assert views == [
            ("All entries", lib.count(None)),
            ("Unread", lib.count("is:unread")),
            ("Starred", lib.count("is:starred")),
            ("Watch", lib.count("+watch is:unread")),  # lists every match, counts the unread ones
            ("Drafts", lib.count("is:drafted")),
        ]
        assert lib.count("is:unread") == 3 and lib.count("+watch") >= 2
        sidebar.focus()
        sidebar.highlight_id("view:unread")
        await pilot.press("enter")
        assert main(app).entries.ids == lib.entry_ids("is:unread")
        await pilot.press("enter")  # opening reads it: the count follows
        await pilot.pause()
        assert sidebar.view_count("unread") == 2 == lib.count("is:unread")


async def test_n_opens_the_next_unread_and_N_the_previous(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        ids = screen.entries.ids
        unread = [i for i in ids if not lib.store.entry(i).read]
        assert len(unread) == 3 and screen.entries.current_id == unread[0]  # the newest is unread
        await pilot.press("n")  # the selected entry first, when unread
        assert screen.entries.current_id == unread[0] == screen.article.entry_id
        assert lib.store.entry(unread[0]).read
        await pilot.press("n")
        assert screen.entries.current_id == unread[1] == screen.article.entry_id
        assert lib.store.entry(unread[1]).read
        await pilot.press("n")
        assert screen.entries.current_id == unread[2] and lib.store.entry(unread[2]).read
        await pilot.press("n")  # none left, below or above: it says so, the cursor stays
        await pilot.pause()
        assert screen.entries.current_id == unread[2]
        assert any("No unread entry in this view" in n.message for n in app._notifications)
        lib.set_read(unread[0], False)
        screen.reload()
        await pilot.press("N")
        assert screen.entries.current_id == unread[0] and lib.store.entry(unread[0]).read
        await pilot.press("G", "N")  # from the bottom, upwards: nothing unread left
        assert screen.entries.cursor == len(ids) - 1


async def test_space_pages_the_article_then_opens_the_next_unread(make_app, lib) -> None:
    add_long_items(lib, 2)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        article = screen.article
        first = screen.entries.current_id
        assert lib.store.entry(first).title == "Long advisory 1"
        await pilot.press("space")  # the article had followed the cursor: page down
        assert article.entry_id == first and article.scroll_offset.y > 0
        pages = 0
        while not article.at_end:
            before = article.scroll_offset.y
            await pilot.press("space")
            assert article.scroll_offset.y > before
            pages += 1
            assert pages < 60
        assert screen.entries.current_id == first
        await pilot.press("space")  # at its end: it is read, the next unread opens
        assert lib.store.entry(first).read
        second = screen.entries.current_id
        assert second != first and lib.store.entry(second).title == "Long advisory 0"
        assert article.entry_id == second and article.scroll_offset.y == 0 and lib.store.entry(second).read


async def test_z_shows_the_article_full_screen_and_back(make_app, lib) -> None:
    add_long_items(lib, 1)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        article = screen.article
        height = article.region.height
        await pilot.press("z")
        await pilot.pause()
        assert screen.has_class("-zoom") and app.focused is article
        assert not screen.entries.display or screen.entries.region.height == 0
        assert article.region.height > height + 8 and article.region.width == 80
        assert "entry 1/" in status(screen) and "0%" in status(screen)
        await pilot.press("space")
        await pilot.pause()
        assert article.scroll_offset.y > 0 and "%" in status(screen)
        await pilot.press("z")
        await pilot.pause()
        assert not screen.has_class("-zoom") and focused(app) is screen.entries
        assert article.region.height == height and "entry 1/" not in status(screen)
        await pilot.press("z", "backspace")  # backspace leaves the full screen too
        await pilot.pause()
        assert not screen.has_class("-zoom")


async def test_backspace_goes_back_to_the_previous_view_with_its_cursor(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j", "j", "j", "j", "j")
        all_cursor = screen.entries.current_id
        await pilot.press("t", *"certfr", "enter")
        assert screen.state.choice.id == "tag:certfr"
        await pilot.press("j")
        certfr_cursor = screen.entries.current_id
        await pilot.press("slash", *"fortinet", "enter")
        assert screen.state.query_text == "fortinet"
        await pilot.press("backspace")
        assert screen.state.choice.id == "tag:certfr" and screen.entries.current_id == certfr_cursor
        await pilot.press("backspace")
        assert screen.state.choice.id == "view:all" and screen.entries.current_id == all_cursor
        await pilot.press("backspace")  # nothing before
        await pilot.pause()
        assert screen.state.choice.id == "view:all"
        assert any("No view to go back to" in n.message for n in app._notifications)


async def test_each_view_keeps_its_cursor_and_scroll(make_app, lib) -> None:
    """Issue 11, bug 5: `]` then `[` put the cursor back at the top; so did `/query` then escape."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        entries = screen.entries
        await pilot.press(*"j" * 15)
        kept, top = entries.current_id, entries.scroll_offset.y
        assert top > 0
        await pilot.press("slash", *"fortinet", "enter")
        assert entries.cursor == 0  # a new view: its first entry
        await pilot.press("escape")
        await pilot.pause()
        assert screen.state.query_text == "" and entries.current_id == kept and entries.scroll_offset.y == top
        await pilot.press("right_square_bracket")
        first_tag = screen.state.choice.id
        await pilot.press("j", "j")
        in_tag = entries.current_id
        await pilot.press("right_square_bracket", "left_square_bracket")
        assert screen.state.choice.id == first_tag and entries.current_id == in_tag


async def test_A_marks_the_view_read_after_saying_how_many(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("t", *"fixnews", "enter")
        unread = lib.count("+fixnews is:unread")
        assert unread == 2
        await pilot.press("A")
        question = screen.query_one("#question")
        assert question.display and not screen.query_one("#keys").display  # asked in the key bar's place
        assert app.focused is question
        assert "Mark the 2 unread entries of fixnews read?" in str(question.render())
        await pilot.press("n")  # any other key: no
        assert not question.display and screen.query_one("#keys").display
        assert app.focused is screen.entries and lib.count("+fixnews is:unread") == 2
        await pilot.press("A", "A")  # one key confirms
        await settle(pilot)
        assert lib.count("+fixnews is:unread") == 0
        assert lib.count("is:unread") == 1  # the other views' entries untouched
        assert all(screen.entries.row(i).read for i in range(len(screen.entries.ids)))
        assert screen.sidebar.view_count("unread") == 1
        feed = next(f for f in screen.state.feeds if f.title == "Fixture News")
        assert feed.unread == 0
        await pilot.press("A")
        await pilot.pause()
        assert not screen.query_one("#question").display
        assert any("read already" in n.message for n in app._notifications)


async def test_A_shows_the_view_read_before_the_write_commits(make_app, lib, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        unread = lib.entry_ids("is:unread")
        monkeypatch.setattr(screen.triage, "_write", lambda ids: None)  # the worker that writes: not run
        screen.triage.mark_ids_read(list(screen.entries.ids), len(unread))
        await pilot.pause()
        assert lib.count("is:unread") == 3  # not written yet
        assert all(entry.read for entry in screen.listing.fetch_rows(unread))  # but shown read
        assert not any(not present(screen.entries.row(i)).read for i in range(len(screen.entries.ids)))


async def test_the_query_history_is_kept_across_runs(make_app, lib, archive) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"fortinet", "enter")
        await pilot.press("slash", *"+certfr cve", "enter")
    assert lib.query_history() == ["fortinet", "+certfr cve"]
    again = make_app(library=Library.open(archive=str(archive)))
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        field = again.screen.query_one("#query-input", Input)
        await pilot.press("up")
        assert field.value == "+certfr cve"
        await pilot.press("up")
        assert field.value == "fortinet"


async def test_the_query_is_saved_to_the_sidebar_from_the_palette(make_app, lib) -> None:
    """Issue 20, 6.9: "Save the query" asked no name (the query was its name)."""
    from veille_tui.tui.screens.dialogs import NameScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"cve is:unread", "enter")
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"Save the query")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NameScreen)  # a name is asked, the query offered as one
        field = app.screen.query_one("#name-input", Input)
        assert field.value == "cve is:unread"
        field.value = ""
        await pilot.press("enter")  # no name: refused, said
        await pilot.pause()
        assert isinstance(app.screen, NameScreen) and "A name" in str(app.screen.query_one("#name-note").render())
        await pilot.press(*"CVE unread", "enter")
        await settle(pilot)
        assert top(app) is screen
        assert ("CVE unread", "cve is:unread") in lib.settings.queries
        assert '"CVE unread" = "cve is:unread"' in lib.settings.path.read_text()
        labels = [c.label for c in screen.sidebar.choices.values() if c.kind == "query"]
        assert "CVE unread" in labels


async def test_a_tag_no_entry_has_is_said_and_the_words_search_offered(make_app, lib) -> None:
    """Issue 11, bug 10: `+fortinet` gave 0 entries without a word."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"+fortinet", "enter")
        await pilot.pause()
        assert isinstance(app.screen, QueryScreen)  # it stays open, offering the words search
        error = str(app.screen.query_one("#query-error").render())
        words = lib.count("fortinet")
        assert "no entry has the tag fortinet" in error and f"`fortinet` finds {words} entries" in error
        assert app.screen.query_one("#query-input", Input).value == "fortinet"
        assert screen.entries.ids == []
        await settle(pilot)
        assert "no entry has the tag fortinet" in screen.article.text.lower()
        await pilot.press("enter")  # takes the offer
        assert top(app) is screen and screen.entries.ids == lib.entry_ids("fortinet") != []

"""The reading mode (issue 20, items 1, 2, 5 and the TUI side of 3): `enter` below 100 columns
opens the article full screen; there `n N J K space i` and the entry keys; `q`, `escape`,
`backspace` back to the list, its cursor on the entry last read; the compact header (the body on
row 5 or above at 80x24); `n` wraps to the top; `M` asks with the count; `U` undoes."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers import present

from veille_tui.core.library import Library
from veille_tui.core.models import Item
from veille_tui.tui.screens.reading import ReadingScreen
from veille_tui.tui.widgets.article import ArticleView

from .helpers import fetched, main, settle, top

NARROW = (80, 24)
WIDE = (160, 48)
BODY = "First words of the body"


def add_items(lib: Library, count: int, long: bool = False) -> list[int]:
    """`count` unread items of the fixture CERT feed, newest first in the list; their ids, newest first."""
    more = "\n\n".join(f"Paragraph {n} of a long advisory." for n in range(60)) if long else ""
    fetched(
        lib,
        "Fixture CERT",
        [
            Item(
                guid=f"read{n}",
                link=f"https://cert.example.org/read/{n}",
                title=f"Advisory {n}: a title long enough to take more than one line at eighty columns, "
                "and then some more words so that it would take three lines or even more of them at that width",
                date=f"2026-09-{10 + n:02d}T10:00:00+00:00",
                ts=1789034400 + n * 86400,
                summary=f"{BODY} {n}. CVE-2026-{1000 + n} is exploited ([advisory](https://cert.example.org/adv/{n})).\n\n{more}",
            )
            for n in range(count)
        ],
    )
    rows = lib.store.db.execute("SELECT entry_id FROM items WHERE guid LIKE 'read%' ORDER BY guid DESC")
    return [entry_id for (entry_id,) in rows]


def row_of(article: ArticleView, words: str) -> int:
    """The screen row (0 = top) where `words` are in the article as shown."""
    index = next(n for n, line in enumerate(article.lines) if words in line.text)
    return article.region.y + index - article.scroll_offset.y


async def open_first(pilot, ids: list[int]) -> ReadingScreen:
    screen = main(pilot.app)
    screen.entries.cursor = present(screen.entries.index_of(ids[0]))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReadingScreen)
    return pilot.app.screen


async def test_enter_at_80_columns_opens_the_article_full_screen_its_body_on_row_5(make_app, lib) -> None:
    ids = add_items(lib, 3)
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        reader = await open_first(pilot, ids)
        article = reader.article
        assert article.entry_id == ids[0] and lib.entry(ids[0]).read  # opened: read
        assert article.region.y == 0 and article.region.height >= 20  # no list rows
        assert row_of(article, f"{BODY} 2") <= 4  # screen row 5 or above
        header = article.text.split(BODY)[0].strip().splitlines()
        assert len(header) <= 3 and header[-1].endswith("…") is False
        assert "CVE-2026-1002" in header[-1] and "●" not in header[-1]  # the meta line; read
        assert header[1].rstrip().endswith("…")  # the title cut at two lines
        assert f"entry {present(main(app).entries.index_of(ids[0])) + 1}/{len(main(app).entries.ids)}" in str(
            reader.status.render()
        )


async def test_n_N_J_K_and_q_back_to_the_list_on_the_entry_last_read(make_app, lib) -> None:
    ids = add_items(lib, 3)
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = main(app)
        reader = await open_first(pilot, ids)
        await pilot.press("n")
        await settle(pilot)
        assert reader.article.entry_id == ids[1] and lib.entry(ids[1]).read
        await pilot.press("n")
        await settle(pilot)
        assert reader.article.entry_id == ids[2] and app.screen is reader
        position = present(screen.entries.index_of(ids[2]))
        assert f"entry {position + 1}/" in str(reader.status.render())
        await pilot.press("K")  # the previous entry, read or not
        await settle(pilot)
        assert reader.article.entry_id == ids[1]
        await pilot.press("J")
        await settle(pilot)
        assert reader.article.entry_id == ids[2]
        await pilot.press("N")  # the nearest unread above: none of these is unread any more
        await settle(pilot)
        assert reader.article.entry_id in (ids[2], *lib.entry_ids("is:unread"))
        shown = reader.article.entry_id
        await pilot.press("q")  # back to the list, not quit
        await settle(pilot)
        assert app.is_running and top(app) is screen
        assert screen.entries.current_id == shown and screen.focused is screen.entries
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is reader
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("backspace")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("q")  # in the list, q still quits
        await pilot.pause()
    assert app.return_code == 0


async def test_space_pages_then_goes_to_the_next_unread_and_jk_scroll(make_app, lib) -> None:
    ids = add_items(lib, 2, long=True)
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        reader = await open_first(pilot, ids)
        article = reader.article
        assert article.max_scroll_y > 0
        await pilot.press("j")
        assert article.scroll_offset.y == 1
        await pilot.press("k")
        assert article.scroll_offset.y == 0
        await pilot.press("pagedown")
        assert article.scroll_offset.y > 1
        await pilot.press("home")
        pages = 0
        while article.entry_id == ids[0] and pages < 50:
            await pilot.press("space")
            await settle(pilot, 0.05, 1)
            pages += 1
        assert 2 < pages < 50 and article.entry_id == ids[1] and article.scroll_offset.y == 0


async def test_entry_keys_work_on_the_article_shown(make_app, lib) -> None:
    ids = add_items(lib, 2)
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        reader = await open_first(pilot, ids)
        await pilot.press("s")
        assert lib.entry(ids[0]).starred and "★" in reader.article.text.split(BODY)[0]
        await pilot.press("u")
        assert not lib.entry(ids[0]).read
        await pilot.press("y")
        await pilot.pause()
        assert any(str(lib.entry(ids[0]).link) in n.message for n in app._notifications)
        await pilot.press("L")
        await settle(pilot)
        assert type(app.screen).__name__ == "LinkPicker"


async def test_i_shows_the_info_block_under_the_title(make_app, lib) -> None:
    ids = add_items(lib, 1)
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        reader = await open_first(pilot, ids)
        article = reader.article
        head = article.text.split(BODY)[0]
        assert "via Fixture CERT" not in head and "https://nvd.nist.gov/" not in head
        assert "via Fixture CERT" in article.text  # at the end
        await pilot.press("i")
        head = article.text.split(BODY)[0]
        assert "via Fixture CERT" in head and "https://cert.example.org/read/0" in head
        assert "CVE-2026-1000" in head and "nvd.nist.gov" in head
        await pilot.press("i")
        assert "via Fixture CERT" not in article.text.split(BODY)[0]


@pytest.mark.parametrize(("mode", "size", "full"), [("full", WIDE, True), ("pane", NARROW, False)])
async def test_the_tui_reading_setting(make_app, lib, env: Path, mode: str, size: tuple[int, int], full: bool) -> None:
    ids = add_items(lib, 1)
    config = env / "config" / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'\n[tui]\nreading = "{mode}"\n', encoding="utf-8")
    other = Library.open(archive=str(lib.archive))
    try:
        assert other.settings.reading == mode
        app = make_app(library=other)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            screen = main(app)
            screen.entries.cursor = present(screen.entries.index_of(ids[0]))
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ReadingScreen) is full
            assert app.screen.query_one("#reading-article" if full else "#article", ArticleView).entry_id == ids[0]
    finally:
        other.close()


async def test_n_wraps_to_the_top(make_app, lib) -> None:
    ids = add_items(lib, 1)  # the newest entry, unread, at the top
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(app)
        for entry_id in lib.entry_ids("is:unread"):
            if entry_id != ids[0]:
                lib.set_read(entry_id, True)
        screen.reload()
        await pilot.press("G")  # the bottom: nothing unread below
        await pilot.press("n")
        await settle(pilot)
        assert screen.entries.current_id == ids[0] and screen.entries.cursor == 0
        assert any("wrapped to the top" in n.message for n in app._notifications)
        assert lib.entry(ids[0]).read


async def test_M_asks_with_the_count_and_U_undoes(make_app, lib) -> None:
    fetched(
        lib,
        "Fixture News",
        [
            Item(
                guid="story-a",
                link="https://news.example.org/story",
                title="Zephyr gateway flaw exploited",
                date="2026-09-20T09:00:00+00:00",
                ts=1789894800,
                summary="CVE-2026-7777 in Zephyr gateways.",
            ),
            Item(
                guid="story-b",
                link="https://news.example.org/story-b",
                title="Zephyr gateway: patch now",
                date="2026-09-20T10:00:00+00:00",
                ts=1789898400,
                summary="CVE-2026-7777 is patched.",
            ),
        ],
    )
    story = lib.entry_ids("cve:CVE-2026-7777")
    assert len(story) == 2 and len(lib.cluster_ids(story[0])) == 2
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.entries.cursor = present(screen.entries.index_of(story[0]))
        await pilot.press("M")
        question = screen.query_one("#question")
        assert "Mark the 2 unread entries of this story read?" in str(question.render())
        await pilot.press("n")  # no
        await settle(pilot)
        assert not any(lib.entry(i).read for i in story)
        await pilot.press("M", "y")
        await settle(pilot)
        assert all(lib.entry(i).read for i in story)
        await pilot.press("U")
        await settle(pilot)
        assert not any(lib.entry(i).read for i in story)
        assert any(n.message.startswith("Undone: ") for n in app._notifications)
        assert not any(
            present(screen.entries.row(present(screen.entries.index_of(i)))).read for i in story
        )  # the list follows
        await pilot.press("s")
        await pilot.press("U")
        await settle(pilot)
        assert not lib.entry(story[0]).starred
        for _ in range(60):
            if not lib.undo():
                break
        await pilot.press("U")
        await settle(pilot)
        assert any(n.message == "Nothing to undo." for n in app._notifications)


async def test_U_takes_back_the_last_key_not_the_articles_read_since(make_app, lib) -> None:
    """Opening marks read but is no step of the undo history: `U` after `s` and two articles read
    takes the star back, and the two stay read."""
    ids = add_items(lib, 3)
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.entries.cursor = present(screen.entries.index_of(ids[2]))
        await pilot.press("s")
        await settle(pilot)
        assert lib.entry(ids[2]).starred
        await open_first(pilot, ids)
        await pilot.press("J")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert lib.entry(ids[0]).read and lib.entry(ids[1]).read
        await pilot.press("U")
        await settle(pilot)
        assert not lib.entry(ids[2]).starred
        assert lib.entry(ids[0]).read and lib.entry(ids[1]).read


async def test_opening_keeps_the_watch_terms_in_the_header(make_app, lib) -> None:
    """Opening marks the entry read: the header takes the new state, not the list's row (which
    has no watch terms)."""
    (entry_id,) = lib.entry_ids("fortinet +certfr")
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.entries.cursor = present(screen.entries.index_of(entry_id))
        await settle(pilot)  # the pane's article follows the cursor first
        await pilot.press("enter")
        await settle(pilot)
        article = app.screen.query_one("#reading-article", ArticleView)
        meta = article.text.splitlines()[1]
        assert "watch: fortinet" in meta and "●" not in meta and lib.entry(entry_id).read


async def test_A_asks_on_the_reading_screen_and_c_opens_the_cve_view(make_app, lib) -> None:
    ids = add_items(lib, 2)
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        reader = await open_first(pilot, ids)
        await pilot.press("A")
        assert "unread" in str(reader.question.render()) and reader.question.display
        await pilot.press("y")
        await settle(pilot)
        assert lib.count("is:unread") == 0 and app.screen is reader
        await pilot.press("c")  # the CVE view, of this article's CVE id, over the list
        await settle(pilot)
        assert type(app.screen).__name__ == "CveScreen" and app.screen_stack[-2] is main(app)

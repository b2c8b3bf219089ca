"""The key bar: most useful keys first, whole words only, `? Help` at every width."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from veille_tui.tui.bindings import KEY_BAR
from veille_tui.tui.screens.main import MainScreen
from veille_tui.tui.widgets.keybar import KeyBar


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.2)


def bar_text(app) -> str:
    return str(app.screen_stack[0].query_one("#keys", KeyBar).render())


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160, 200])
async def test_the_key_bar_fits_in_whole_words_with_help(make_app, width) -> None:
    app = make_app()
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        text = bar_text(app)
        bar = app.screen_stack[0].query_one("#keys", KeyBar)
        assert cell_len(text) <= width
        assert text.rstrip().endswith("? Help")
        # every item shown whole: the text is exactly the shown items, and they come in order
        assert text == "".join(f" {item.keys} {item.description} " for item in bar.shown)
        # most useful first: a prefix of KEY_BAR (offline: no refresh), then help
        labels = [label for name, label in KEY_BAR if name != "refresh_all"]
        names = [item.description for item in bar.shown]
        assert names[-1] == "Help" and names[:-1] == labels[: len(names) - 1]
        assert len(names) >= 5


async def test_the_key_bar_at_80_columns(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = bar_text(app)
        for shown in ("⏎ Open", "/ Query", "] Next tag", "t Tags", "u Read", "s Star", "o Link", "? Help"):
            assert shown in text, shown
        assert "o O" not in text and "Read/unread" not in text


async def test_the_key_bar_shows_more_when_wider(make_app) -> None:
    app = make_app(offline=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        narrow = bar_text(app)
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        wide = bar_text(app)
        assert len(wide.split("  ")) > len(narrow.split("  "))
        for shown in (
            "a Draft",
            "z Full screen",
            "A All read",
            "L Links",
            "F Feeds",
            "R Refresh",
            "q Quit",
            "? Help",
        ):
            assert shown in wide, shown
        await pilot.resize_terminal(200, 48)
        await settle(pilot)
        for shown in ("y Copy link", "[ Prev tag", "? Help"):
            assert shown in bar_text(app), shown
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert bar_text(app) == narrow


async def test_offline_the_key_bar_has_no_refresh(make_app) -> None:
    app = make_app(offline=True)
    async with app.run_test(size=(200, 48)) as pilot:
        await settle(pilot)
        assert "Refresh" not in bar_text(app)
        assert "q Quit" in bar_text(app)


async def test_a_click_on_the_key_bar_runs_the_key(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen_stack[0]
        assert isinstance(screen, MainScreen)
        bar = screen.query_one("#keys", KeyBar)
        start = next(start for start, _end, item in bar._spans if item.description == "Next tag")
        await pilot.click(KeyBar, offset=(start + 1, 0))
        await pilot.pause()
        assert screen.state.choice.id.startswith("tag:")

"""The command palette and the theme picker (issue 11, bug 8), and a [keymap] that gives one key
to two actions or names no action (bug 1)."""

from __future__ import annotations

from tests.helpers import present
from textual.command import CommandList, SearchIcon

from veille_tui.core.library import Library
from veille_tui.tui.screens.main import MainScreen
from veille_tui.tui.themes import discover_themes

from .helpers import settle as settle_for

SIZE = (120, 40)


async def settle(pilot) -> None:
    await settle_for(pilot, 0.3)


def listed(app) -> list[str]:
    options = app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(n).prompt).split("\n")[0] for n in range(options.option_count)]


async def test_the_palette_lists_each_action_once_with_a_plain_prompt(make_app, monkeypatch) -> None:
    from textual.command import CommandPalette as Palette  # ours is one

    monkeypatch.setenv("TERM", "xterm")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, Palette)
        assert [icon.icon for icon in app.screen.query(SearchIcon)] == [">"]  # no emoji
        names = listed(app)
        assert names.count("Open") == 1
        assert len(names) == len(set(names)), names
        for generic in ("Keys", "Screenshot", "Maximize", "Minimize"):
            assert generic not in names
        for ours in ("Theme", "Quit", "Help", "Next unread", "Mark the view read", "Feeds' health"):
            assert ours in names, ours
        assert "Save the query" not in names  # issue 20, 6.9: no query, nothing to save
        await pilot.press("escape")
        await pilot.press("slash", *"cve", "enter")
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert "Save the query" in listed(app)


async def test_the_theme_picker_lists_ours_first_and_marks_the_current(make_app) -> None:
    from textual.command import CommandPalette as Palette  # ours is one

    app = make_app(theme="veille-dark")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        assert isinstance(app.screen, Palette)
        names = listed(app)
        ours = set(discover_themes(None)[0])
        assert len(ours) >= 2
        assert {n.removesuffix(" (current)") for n in names[: len(ours)]} == ours
        assert "veille-dark (current)" in names and sum("(current)" in n for n in names) == 1
        assert "textual-dark" in names[len(ours) :]


async def test_a_keymap_clash_and_an_unknown_action_are_told_at_start(env, archive, lib) -> None:
    """Issue 11, bug 1: `toggle_read = "s"` silently took Star's key; an unknown id was ignored."""
    from veille_tui.tui.app import VeilleApp

    config = env / "config" / "config.toml"
    config.write_text(config.read_text() + '\n[keymap]\ntoggle_read = "s"\ntoggle_raed = "x"\n', encoding="utf-8")
    library = Library.open(archive=str(archive))
    app = VeilleApp(library, offline=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        told = [n.message for n in app._notifications if "[keymap]" in n.message]
        assert (
            "[keymap] s is given to toggle_read (Read/unread) and toggle_starred (Star); Star has no key left" in told
        )
        assert "[keymap] toggle_raed: no such action (did you mean toggle_read?)" in told
        assert len(told) == 2
    library.close()


async def test_a_keymap_without_a_clash_says_nothing(env, archive, lib) -> None:
    from veille_tui.tui.app import VeilleApp

    config = env / "config" / "config.toml"
    config.write_text(config.read_text() + '\n[keymap]\ntoggle_read = "x"\n', encoding="utf-8")
    library = Library.open(archive=str(archive))
    app = VeilleApp(library, offline=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not [n for n in app._notifications if "[keymap]" in n.message]
        screen = app.screen
        assert isinstance(screen, MainScreen)
        entry_id = present(screen.entries.current_id)
        before = present(library.store.entry(entry_id)).read
        await pilot.press("x")
        assert present(library.store.entry(entry_id)).read != before
    library.close()

"""The Assets view: shown in the sidebar when [[assets]] lists some, counting the unread entries
that touch one; the article's header says "affects: FortiGate". Without [[assets]], no such row."""

from __future__ import annotations

from pathlib import Path

from veille_tui.core.library import Library
from veille_tui.tui.screens.main import MainScreen

from .conftest import CONFIG, fill_items
from .helpers import idle


async def test_assets_view_and_affects(env: Path, archive: Path) -> None:
    from veille_tui.tui.app import VeilleApp

    config = env / "config" / "config.toml"
    config.write_text(CONFIG + '\n[[assets]]\nvendor = "Fortinet"\nproduct = "FortiGate"\n', encoding="utf-8")
    lib = Library.open(archive=str(archive))
    try:
        lib.index()
        fill_items(lib)
        touched = lib.count("asset:fortigate")
        assert touched > 0
        app = VeilleApp(lib, offline=True)
        async with app.run_test(size=(160, 48)) as pilot:
            await idle(pilot, tries=100, step=0.1, after=0.3)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            assert screen.sidebar.view_count("assets") == lib.count("+asset is:unread")
            await pilot.press("slash", *"asset:fortigate", "enter")
            await pilot.press("enter")
            await idle(pilot, tries=100, step=0.1, after=0.3)
            assert "affects: FortiGate" in screen.article.text
    finally:
        lib.close()


async def test_no_assets_no_view(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await idle(pilot, tries=100, step=0.1, after=0.3)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.sidebar.view_count("watch") is not None
        assert "Assets" not in [row.label for row in screen.sidebar.rows]


async def test_the_help_tells_of_the_assets_view_and_affects(make_app) -> None:
    from veille_tui.tui.screens.help import HelpScreen, help_markdown

    text = " ".join(help_markdown().split())
    assert "and Assets (when `[[assets]]` lists some) its unread entries touching an asset" in text
    assert "the CVE view say `affects: FortiWeb`" in text
    assert "a `[[notify]]` target that failed is named in a warning" in text
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await idle(pilot, tries=100, step=0.1, after=0.3)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)

"""A user keymap from the config ([keymap] binding id = keys) changes the keys."""

from __future__ import annotations

from tests.helpers import present

from veille_tui.core.library import Library
from veille_tui.tui.screens.main import MainScreen


async def test_keymap_from_the_config(env, archive, lib) -> None:
    config = env / "config" / "config.toml"
    config.write_text(config.read_text() + '\n[keymap]\nnext_tag = "n"\ntoggle_starred = "x"\n', encoding="utf-8")
    library = Library.open(archive=str(archive))
    from veille_tui.tui.app import VeilleApp

    app = VeilleApp(library, offline=True, cli_theme=None)
    async with app.run_test(size=(160, 48)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        first = screen.state.choice.id
        await pilot.press("n")
        await pilot.pause()
        assert screen.state.choice.id != first and screen.state.choice.id.startswith("tag:")
        entry_id = screen.entries.current_id
        await pilot.press("x")
        await pilot.pause()
        assert present(library.store.entry(present(entry_id))).starred
    library.close()

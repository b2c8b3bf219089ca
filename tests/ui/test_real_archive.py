"""The user's real archive (read-only, ../shared/archive/_posts): skipped when it is absent."""

from __future__ import annotations

import pytest

from veille_tui.core.library import Library

from .conftest import REAL_ARCHIVE

pytestmark = pytest.mark.skipif(not REAL_ARCHIVE.is_dir(), reason="the real archive is not here")


async def test_real_archive_certfr_and_article(env) -> None:
    from veille_tui.tui.app import VeilleApp
    from veille_tui.tui.screens.main import MainScreen

    lib = Library.open(archive=str(REAL_ARCHIVE))
    try:
        app = VeilleApp(lib, offline=True)
        async with app.run_test(size=(160, 48)) as pilot:
            for _ in range(100):  # the first index of ~2,800 posts runs in a worker
                await pilot.pause(0.2)
                if not any(w.is_running for w in app.workers):
                    break
            await pilot.pause(0.2)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            assert len(screen.entries.ids) == lib.store.count(None) > 2000
            newest = lib.store.entries(None, limit=1)[0]
            assert screen.entries.current_id == newest.id
            await pilot.press("slash", *"+certfr", "enter")
            assert len(screen.entries.ids) == 6
            assert all("certfr" in e.tags for e in lib.store.entries_by_ids(screen.entries.ids))
            await pilot.press("enter")
            await pilot.pause(0.2)
            assert screen.article.entry_id == screen.entries.ids[0]
            assert "{:target" not in screen.article.text
            assert "Source" in screen.article.text
            await pilot.press("q")
        assert app.return_code == 0
    finally:
        lib.close()

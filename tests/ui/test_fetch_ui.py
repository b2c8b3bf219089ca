"""`R` with the real fetcher, against a feed served on loopback (pytest-httpserver)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers import present

from veille_tui.core.library import Library

DATA = Path(__file__).resolve().parents[1] / "data" / "feeds"

pytest.importorskip("pytest_httpserver")


async def test_R_fetches_a_served_feed_and_the_list_follows(env, archive, httpserver) -> None:
    from veille_tui.tui.app import VeilleApp
    from veille_tui.tui.screens.main import MainScreen

    httpserver.expect_request("/rss.xml").respond_with_data(
        (DATA / "rss20.xml").read_bytes(), content_type="application/rss+xml"
    )
    config = env / "config" / "config.toml"
    config.write_text(
        f'[[feeds]]\nurl = "{httpserver.url_for("/rss.xml")}"\ntitle = "Loopback"\ntags = ["loop"]\n', encoding="utf-8"
    )
    lib = Library.open(archive=str(archive))
    try:
        lib.index()
        before = lib.store.count(None)
        app = VeilleApp(lib, offline=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, MainScreen)
            await pilot.press("R")
            for _ in range(50):
                await pilot.pause(0.1)
                if not any(w.is_running for w in app.workers):
                    break
            await pilot.pause(0.2)
            assert lib.store.count(None) > before
            assert len(screen.entries.ids) == lib.store.count(None)
            assert "tag:loop" in screen.sidebar.choices
            messages = [str(n.message) for n in app._notifications]
            assert any("refreshed" in m for m in messages), messages
            feed = next(c for c in screen.sidebar.choices.values() if c.label == "Loopback")
            assert present(screen.sidebar.feed(feed.id)).unread > 0
    finally:
        lib.close()

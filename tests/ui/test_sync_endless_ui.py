"""The TUI's sync with a team server whose pages never end (issue 26, item 2): the sync ends, a
notification says the server never ended, the items read are listed."""

from __future__ import annotations

from tests.integration.test_sync_bad_server import API
from tests.integration.test_sync_endless import Server, ids_ok, new_continuation_same_items
from tests.ui.conftest import fill_items
from tests.ui.test_sync_ui import with_sync

from veille_tui.core.library import Library


async def test_endless_pages_end_the_sync_with_a_notification(env, archive, httpserver) -> None:
    from veille_tui.tui.app import VeilleApp

    server = Server(httpserver, new_continuation_same_items, ids_ok)
    with_sync(env, httpserver.url_for(API))
    lib = Library.open(archive=str(archive))
    try:
        lib.index()
        fill_items(lib)
        app = VeilleApp(lib, offline=False)
        async with app.run_test(size=(160, 48)) as pilot:
            said: list[str] = []
            for _ in range(600):
                await pilot.pause(0.05)
                said = [str(n.message) for n in app._notifications if "never ended" in str(n.message)]
                if said and not any(w.is_running for w in app.workers):
                    break
            assert len(said) == 1 and "a page of nothing new" in said[0] and "items read are kept" in said[0]
            assert server.pages["contents"] == 2
            assert any(e.title == "Item 1" for e in lib.entries("", limit=100))
    finally:
        lib.close()

"""The TUI and the team server: start-up reads the cache and never waits for the server; the sync
runs in a worker; the status line says when the server cannot be reached and how many changes
wait (pytest-httpserver as a slow, then a dead, server)."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

import pytest
from tests.ui.conftest import CONFIG, fill_items

from veille_tui.core.library import Library
from veille_tui.core.store.sync import NewServerItem
from veille_tui.tui.screens.main import MainScreen

pytest.importorskip("pytest_httpserver")


def status_of(screen) -> str:
    return str(screen.query_one("#status").render())


def with_sync(env: Path, url: str) -> None:
    (env / "pw").write_text("secret\n")
    (env / "pw").chmod(0o600)  # a password_file others can read is refused
    config = env / "config" / "config.toml"
    config.write_text(
        CONFIG + f'\n[sync]\nurl = "{url}"\nuser = "analyst"\npassword_file = "{env / "pw"}"\n', encoding="utf-8"
    )


async def test_start_up_shows_the_cache_while_a_slow_server_answers(env, archive, httpserver) -> None:
    from veille_tui.tui.app import VeilleApp

    answer = threading.Event()  # the server answers when the test has seen the cache on screen

    def slow_login(request):
        answer.wait(timeout=120)
        from werkzeug import Response

        return Response("Unauthorized!", status=401)

    httpserver.expect_request("/api/greader.php/accounts/ClientLogin").respond_with_handler(slow_login)
    with_sync(env, httpserver.url_for("/api/greader.php"))
    lib = Library.open(archive=str(archive))
    try:
        lib.index()
        fill_items(lib)
        app = VeilleApp(lib, offline=False)
        async with app.run_test(size=(160, 48)) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)

            def syncing() -> bool:
                return any(w.is_running and w.group == "sync" for w in app.workers)

            for _ in range(600):  # the list is there while the server has not answered yet
                if len(screen.entries.ids) == lib.count(None) > 0 and syncing():
                    break
                await pilot.pause(0.05)
            assert len(screen.entries.ids) == lib.count(None) > 0
            assert syncing()
            answer.set()
            for _ in range(60):
                await pilot.pause(0.1)
                if "sync failed" in status_of(screen):
                    break
            assert "sync failed · 0 changes wait" in status_of(screen)
            messages = [str(n.message) for n in app._notifications]
            assert any("refused the login" in m and httpserver.url_for("/api/greader.php") in m for m in messages)
    finally:
        lib.close()


async def test_a_dead_server_is_said_and_the_changes_waiting_counted(env, archive) -> None:
    from veille_tui.tui.app import VeilleApp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with_sync(env, f"http://127.0.0.1:{port}/api/greader.php")
    lib = Library.open(archive=str(archive))
    try:
        lib.index()
        fill_items(lib)
        # every item as if a server had sent it (each tied to a server id): their changes wait for it
        store = lib.store
        with store.transaction():
            for feed_id, _url, *_ in store.feed_states():
                guids = [g for (g,) in store.db.execute("SELECT guid FROM items WHERE feed_id = ?", (feed_id,))]
                store.link_server_items(
                    feed_id, [NewServerItem(1000 + n + 100 * feed_id, g, False, False) for n, g in enumerate(guids)]
                )
        app = VeilleApp(lib, offline=False)
        async with app.run_test(size=(160, 48)) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            for _ in range(60):
                await pilot.pause(0.1)
                if "unreachable" in status_of(screen):
                    break
            assert "server unreachable · 0 changes wait" in status_of(screen)
            screen.entries.focus()
            await pilot.press("s")  # a star, queued
            await pilot.pause(0.1)
            assert "server unreachable · 1 change waits" in status_of(screen)
            assert lib.store.pending_changes() == 1
            # A: the view marked read (in a worker); those changes wait too
            await pilot.press("A", "y")
            for _ in range(50):
                await pilot.pause(0.1)
                if not any(w.is_running and w.group == "mark" for w in app.workers):
                    break
            await pilot.pause(0.1)
            waiting = lib.store.pending_changes()
            assert waiting > 1 and f"server unreachable · {waiting} changes wait" in status_of(screen)
            # R: the feeds (unreachable here too) then the server, in a worker; still said
            await pilot.press("R")
            for _ in range(100):
                await pilot.pause(0.1)
                if not any(w.is_running for w in app.workers):
                    break
            assert f"server unreachable · {waiting} changes wait" in status_of(screen)
    finally:
        lib.close()


class TeamServer:
    """A Google Reader API of our own (pytest-httpserver): one feed, its items, the states; what
    it was told (edit-tag) kept."""

    def __init__(self, httpserver) -> None:
        import json

        from werkzeug import Request, Response

        self.items: list[dict[str, Any]] = []
        self.edits: list[str] = []
        api = "/api/greader.php"
        self.url = httpserver.url_for(api)
        feed = {"id": "feed/7", "url": "https://wire.example.org/rss", "title": "Wire", "categories": []}

        def contents(request: Request) -> Response:
            return Response(json.dumps({"items": list(self.items)}), content_type="application/json")

        def ids(request: Request) -> Response:
            stream, exclude = request.args.get("s", ""), request.args.get("xt")
            wanted = [i["id"] for i in self.items] if stream.endswith("reading-list") and exclude else []
            return Response(json.dumps({"itemRefs": [{"id": i} for i in wanted]}), content_type="application/json")

        def edit(request: Request) -> Response:
            self.edits.append(request.get_data(as_text=True))
            return Response("OK")

        httpserver.expect_request(f"{api}/accounts/ClientLogin").respond_with_data("SID=a/1\nLSID=null\nAuth=a/1\n")
        httpserver.expect_request(f"{api}/reader/api/0/token").respond_with_data("t-1\n")
        httpserver.expect_request(f"{api}/reader/api/0/subscription/list").respond_with_json({"subscriptions": [feed]})
        httpserver.expect_request(
            f"{api}/reader/api/0/stream/contents/user/-/state/com.google/reading-list"
        ).respond_with_handler(contents)
        httpserver.expect_request(f"{api}/reader/api/0/stream/items/ids").respond_with_handler(ids)
        httpserver.expect_request(f"{api}/reader/api/0/edit-tag", method="POST").respond_with_handler(edit)

    def add(self, n: int) -> None:
        self.items.append(
            {
                "id": str(7000 + n),
                "origin": {"streamId": "feed/7"},
                "title": f"Wire story {n}",
                "canonical": [{"href": f"https://wire.example.org/{n}"}],
                "published": 1785000000 + n,
                "crawlTimeMsec": str((1785000000 + n) * 1000),
                "summary": {"content": f"<p>Story {n} of the wire.</p>"},
                "categories": [],
            }
        )


async def test_r_with_only_the_server_s_feeds_says_what_the_sync_did(env, archive, httpserver) -> None:
    from veille_tui.tui.app import VeilleApp

    server = TeamServer(httpserver)
    server.add(1)
    (env / "pw").write_text("secret\n")
    (env / "pw").chmod(0o600)  # a password_file others can read is refused
    (env / "config" / "config.toml").write_text(
        f'feeds = []\n[sync]\nurl = "{server.url}"\nuser = "analyst"\npassword_file = "{env / "pw"}"\n',
        encoding="utf-8",
    )
    lib = Library.open(archive=str(archive))
    try:
        app = VeilleApp(lib, offline=False)
        async with app.run_test(size=(160, 48)) as pilot:
            screen = app.screen
            for _ in range(300):  # the sync at start-up brings the server's first item
                await pilot.pause(0.05)
                if lib.count("wire") == 1 and not any(w.is_running for w in app.workers if w.group == "sync"):
                    break
            assert lib.count("wire") == 1
            server.add(2)
            server.add(3)
            lib.store.set_read(lib.entry_ids("wire")[0], True)  # a change made here, for the server
            app._notifications.clear()
            await pilot.press("R")
            for _ in range(300):
                await pilot.pause(0.05)
                if server.edits and not any(w.is_running for w in app.workers if w.group == "fetch"):
                    break
            await pilot.pause(0.1)
            messages = [str(n.message) for n in app._notifications]
            assert any("team server: 2 new items, 1 change pushed" in m for m in messages), messages
            assert not any("0 feed(s) refreshed" in m for m in messages), messages
            assert lib.count("wire") == 3 and "syncing" not in status_of(screen)
    finally:
        lib.close()

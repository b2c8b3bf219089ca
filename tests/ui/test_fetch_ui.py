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


async def test_R_tells_a_notify_target_that_failed_and_what_waits(env, archive, httpserver) -> None:
    """A [[notify]] target on a closed loopback port: the refresh works, and a warning names the
    target, why it was not sent and how many messages wait (as `fetch` says on stderr)."""
    import socket

    from veille_tui.tui.app import VeilleApp

    from .helpers import idle
    from .test_watch_alerts import rss

    pytest.importorskip("apprise")
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    httpserver.expect_request("/rss.xml").respond_with_data(
        rss(["Fortinet advisory"]), content_type="application/rss+xml"
    )
    config = env / "config" / "config.toml"
    config.write_text(
        f'watch = ["fortinet"]\n\n[[feeds]]\nurl = "{httpserver.url_for("/rss.xml")}"\ntitle = "Loop"\n\n'
        f'[[notify]]\nname = "hook"\nurl = "json://127.0.0.1:{port}/hook"\n',
        encoding="utf-8",
    )
    config.chmod(0o600)  # the URL is in the config: owner-only
    lib = Library.open(archive=str(archive))
    try:
        lib.index()
        app = VeilleApp(lib, offline=False)

        def told() -> list[tuple[str, str]]:
            return [
                (str(n.message), n.severity) for n in app._notifications if str(n.message).startswith("notify hook")
            ]

        async with app.run_test(size=(160, 48)) as pilot:
            await idle(pilot, tries=100, step=0.1, after=0.3)
            await pilot.press("R")
            await idle(pilot, tries=100, step=0.1, after=0.3)
            messages = [str(n.message) for n in app._notifications]
            assert any("refreshed" in m for m in messages), messages  # the fetch itself worked
            ((text, severity),) = told()
            assert severity == "warning"
            assert text.startswith("notify hook: not sent (") and text.endswith("; 1 waiting for the next fetch")
            assert lib.notify_waiting() == {"hook": 1}
            await pilot.press("R")  # nothing new, but the message still waits: told again
            await idle(pilot, tries=100, step=0.1, after=0.3)
            assert len(told()) == 2 and told()[-1][0].endswith("; 1 waiting for the next fetch")
    finally:
        lib.close()

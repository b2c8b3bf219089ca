"""The one worker error path: a worker that raises becomes a notification (or, for the poll and
the feed statuses, nothing), what it showed in the status line is cleared, the app keeps running."""

from __future__ import annotations

import sqlite3
import webbrowser

import pytest

from veille_tui.core.library import Library
from veille_tui.tui.screens.main import MainScreen

from .helpers import idle, settle

SIZE = (160, 48)


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_a_draft_that_cannot_be_written_is_told_and_the_activity_cleared(make_app, archive) -> None:
    blocker = archive.parent / "_drafts"
    blocker.write_text("a file where the drafts folder should be")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await idle(pilot, tries=100)  # not wait_for_complete: it raises the failed worker's error
        assert f"{blocker}: cannot write the draft there: Not a directory" in messages(app), messages(app)
        assert screen.state.activity == ""
        assert app.is_running


async def test_a_failed_index_at_start_is_told(make_app, monkeypatch) -> None:
    def broken(self, progress=None, parallel=False):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(Library, "index", broken)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any(m.startswith("Archive: ") and "busy" in m for m in messages(app)), messages(app)
        assert app.screen.state.activity == ""


@pytest.mark.parametrize("group", ["feeds", "changes"])
async def test_quiet_workers_fail_without_a_notification(make_app, monkeypatch, group) -> None:
    def broken(self, sync=True):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(Library, "feed_statuses", broken)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        if group == "changes":
            screen.watcher.version = -1  # as if another process had committed
            screen.background.poll_store()
            for _ in range(50):  # not wait_for_complete: it raises the worker's error
                await pilot.pause(0.05)
                if screen.watcher.version is None:
                    break
            assert screen.watcher.version is None  # the next poll reads again
        else:
            assert screen.state.feeds == []
        assert not any("locked" in m for m in messages(app))
        assert app.is_running


async def test_a_browser_that_fails_copies_the_link(make_app, monkeypatch) -> None:
    class Broken(webbrowser.BackgroundBrowser):
        def open(self, url, new=0, autoraise=True):
            raise OSError("no such program")

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(webbrowser, "get", lambda using=None: Broken("firefox"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        link = app.screen.entries.current_entry.link
        await pilot.press("o")
        await settle(pilot)
        assert app.clipboard == link
        assert any(m.startswith("The browser did not open") and link in m for m in messages(app))

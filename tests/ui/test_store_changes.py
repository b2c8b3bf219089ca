"""What another process writes to the database (a `veille-tui fetch` from cron) shows in the
running TUI without a key: counts, sidebar, list, the cursor staying on its entry; and nothing is
repainted while nothing changes."""

from __future__ import annotations

import pytest
from tests.helpers import present

from veille_tui.core.library import Library
from veille_tui.core.models import Item
from veille_tui.tui.screens.main import MainScreen

from .helpers import fetched, status
from .helpers import settle as settle_for

POLL = 0.1


@pytest.fixture(autouse=True)
def fast_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("veille_tui.tui.watcher.POLL_SECONDS", POLL)


def new_items(n: int) -> list[Item]:
    return [
        Item(
            guid=f"cron{k}",
            link=f"https://cert.example.org/avis/cron{k}",
            title=f"Avis du cron {k}",
            date="2026-08-26T08:00:00+00:00",
            ts=1787731200 + k,
            summary=f"Bulletin {k}.",
            categories=("cron",),
        )
        for k in range(n)
    ]


def other_process(archive) -> Library:
    """Another connection to the same database, as `veille-tui fetch` from cron would have."""
    return Library.open(archive=str(archive))


def cron_fetch(archive, items: list[Item]) -> None:
    """`items` fetched for the CERT feed by another process, as `veille-tui fetch` from cron."""
    cron = other_process(archive)
    try:
        fetched(cron, "Fixture CERT", items)
    finally:
        cron.close()


async def settle(pilot, seconds: float = 0.3) -> None:
    await settle_for(pilot, seconds)


async def test_a_fetch_from_another_process_shows_in_place(make_app, lib, archive) -> None:
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:  # a list shorter than its entries
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        before = len(screen.entries.ids)
        assert f"All entries · {before} entries" in status(screen)
        await pilot.press("j", "j", "j")
        await settle(pilot)
        current = screen.entries.current_id
        row_on_screen = screen.entries.cursor - screen.entries.scroll_offset.y
        assert screen.article.entry_id == current

        cron_fetch(archive, new_items(5))
        await settle(pilot, 4 * POLL)

        assert len(screen.entries.ids) == before + 5 == lib.store.count(None)
        assert screen.entries.ids == lib.store.entry_ids(None)
        assert f"All entries · {before + 5} entries" in status(screen)
        # the cursor stays on its entry, at the same height; the article did not move
        assert screen.entries.current_id == current
        assert screen.entries.cursor - screen.entries.scroll_offset.y == row_on_screen
        assert screen.article.entry_id == current
        # the sidebar: the new tag, the counts, the feed's unread count
        sidebar = screen.sidebar
        assert "tag:cron" in sidebar.choices
        row = next(r for r in sidebar.rows if r.id == "view:all")
        assert row.count == before + 5
        cert = next(r for r in sidebar.rows if r.label == "Fixture CERT")
        assert cert.count == 6
        assert present(screen.entries.row(0)).title == "Avis du cron 4"  # newest first
        assert any("5 new entries" in str(n.message) for n in app._notifications)


async def test_state_changed_elsewhere_repaints_that_row(make_app, lib, archive) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        target = screen.entries.ids[1]
        assert screen.entries.row(1).starred is False
        other = other_process(archive)
        try:
            other.store.set_starred(target, True)
        finally:
            other.close()
        await settle(pilot, 4 * POLL)
        assert screen.entries.row(1).starred is True
        assert "★" in screen.entries.render_line(1).text[:3]
        assert screen.entries.cursor == 0


async def test_a_query_view_follows_too(make_app, lib, archive) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("slash", *"+fixcert", "enter")
        assert len(screen.entries.ids) == 1
        cron_fetch(archive, new_items(2))
        await settle(pilot, 4 * POLL)
        assert screen.state.query_text == "+fixcert"
        assert screen.entries.ids == lib.store.entry_ids("+fixcert") and len(screen.entries.ids) == 3
        assert "fixcert · 3 entries" in status(screen)


async def test_nothing_is_repainted_while_nothing_changes(make_app, lib, archive, monkeypatch) -> None:
    calls: list[str] = []
    real = Library.data_version

    def counting(self):
        calls.append("poll")
        return real(self)

    monkeypatch.setattr(Library, "data_version", counting)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 4 * POLL)  # the feeds' sync at start is a commit: read once, same data
        screen = app.screen
        repaints: list[str] = []
        for widget in (
            screen.entries,
            screen.sidebar,
            screen.article,
            screen.query_one("#status"),
            screen.query_one("#keys"),
        ):
            original = widget.refresh

            def spy(*args, _name=widget.id, _original=original, **kwargs):
                repaints.append(_name)
                return _original(*args, **kwargs)

            monkeypatch.setattr(widget, "refresh", spy)
        polls = len(calls)
        # a commit elsewhere that changes nothing shown: read again, nothing repainted
        other = other_process(archive)
        try:
            other.store.sync_feeds(other.settings.feeds)
        finally:
            other.close()
        await pilot.pause(6 * POLL)
        await app.workers.wait_for_complete()
        await pilot.pause(3 * POLL)
        assert len(calls) >= polls + 3  # it did look
        assert repaints == []

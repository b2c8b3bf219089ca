"""Watch alerts in the TUI: `R` against a feed served on loopback rings once and names the new
matches (five, then "+N more"); a fetch by another connection rings too, seen by the poll; the
Watch view counts its unread entries; the article says which watch terms matched."""

from __future__ import annotations

from pathlib import Path

import pytest

from veille_tui.core.library import Library
from veille_tui.core.models import Item
from veille_tui.core.update import store_fetch
from veille_tui.tui.screens.main import MainScreen

from .helpers import idle

pytest.importorskip("pytest_httpserver")


@pytest.fixture(autouse=True)
def fast_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("veille_tui.tui.watcher.POLL_SECONDS", 0.1)
    monkeypatch.setattr("veille_tui.tui.screens.parts.background.ALERT_SETTLE", 0.3, raising=False)


def rss(titles: list[str]) -> str:
    items = "".join(
        f"<item><title>{t}</title><link>https://loop.example/{n}</link><guid>loop-{n}</guid>"
        f"<pubDate>Tue, 25 Aug 2026 0{n % 10}:00:00 +0000</pubDate><description>{t}.</description></item>"
        for n, t in enumerate(titles)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loop</title>{items}</channel></rss>'


def watch_the_loop(env: Path, url: str) -> None:
    """The config: the watch term `fortinet` and one feed, the loopback's at `url`."""
    config = env / "config" / "config.toml"
    config.write_text(f'watch = ["fortinet"]\n\n[[feeds]]\nurl = "{url}"\ntitle = "Loop"\n', encoding="utf-8")


def count_bells(app) -> list[int]:
    rung: list[int] = []
    ring = app.bell

    def bell() -> None:
        rung.append(1)
        ring()

    app.bell = bell
    return rung


async def settle(pilot) -> None:
    await idle(pilot, tries=100, step=0.1, after=0.3)


def watch_notices(app) -> list[tuple[str, str]]:
    return [(str(n.title), str(n.message)) for n in app._notifications if str(n.title).startswith("Watch")]


async def test_R_rings_once_and_names_the_new_matches(env, archive, httpserver) -> None:
    from veille_tui.tui.app import VeilleApp

    titles = [f"Fortinet advisory {n}" for n in range(7)] + ["A quiet day"]
    httpserver.expect_request("/rss.xml").respond_with_data(rss(titles), content_type="application/rss+xml")
    watch_the_loop(env, httpserver.url_for("/rss.xml"))
    lib = Library.open(archive=str(archive))
    try:
        lib.index()
        app = VeilleApp(lib, offline=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            rung = count_bells(app)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            watch_before = screen.sidebar.view_count("watch")
            await pilot.press("R")
            await settle(pilot)
            assert len(rung) == 1
            ((title, text),) = watch_notices(app)
            assert title == "Watch: 7 new matches"
            lines = text.splitlines()
            assert len(lines) == 6 and lines[-1].startswith("+2 more")
            assert all(line.startswith("• Fortinet advisory ") and line.endswith("[fortinet]") for line in lines[:5])
            assert screen.sidebar.view_count("watch") == (watch_before or 0) + 7
            assert screen.sidebar.view_count("watch") == lib.count("+watch is:unread")
            await pilot.press("R")  # the same feed again: nothing new, no bell
            await settle(pilot)
            assert len(rung) == 1 and len(watch_notices(app)) == 1
    finally:
        lib.close()


async def test_a_fetch_by_another_connection_rings_through_the_poll(make_app, lib, archive) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        rung = count_bells(app)
        other = Library.open(archive=str(archive))  # as `veille-tui fetch` from cron
        try:
            store = other.store
            feed = next(f for f in store.feed_states() if f.url == "https://cert.example.org/rss")
            item = Item(
                guid="cron-fortinet",
                link="https://cert.example.org/avis/cron",
                title="Avis du cron : Fortinet FortiWeb",
                date="2026-08-26T08:00:00+00:00",
                ts=1787731200,
                summary="Une vulnérabilité.",
            )
            store_fetch(store, feed.id, status="ok", items=[item])
        finally:
            other.close()
        for _ in range(30):
            await pilot.pause(0.1)
            if rung:
                break
        await settle(pilot)
        assert len(rung) == 1
        assert watch_notices(app) == [("Watch: 1 new match", "• Avis du cron : Fortinet FortiWeb [fortinet]")]


async def test_watch_view_counts_unread_and_the_article_names_the_terms(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        unread = lib.count("+watch is:unread")
        assert unread > 0 and screen.sidebar.view_count("watch") == unread
        assert lib.count("+watch") > unread  # the view lists more than it counts (read posts)
        await pilot.press("slash", *"+watch is:unread", "enter")
        await pilot.press("enter")  # opens the first: read now
        await settle(pilot)
        assert "watch: fortinet" in screen.article.text
        assert screen.sidebar.view_count("watch") == unread - 1 == lib.count("+watch is:unread")


async def test_a_veille_tui_fetch_process_rings_the_running_tui(env, archive, httpserver) -> None:
    import asyncio
    import os
    import subprocess
    import sys

    from veille_tui.tui.app import VeilleApp

    httpserver.expect_request("/rss.xml").respond_with_data(
        rss(["Fortinet FortiGate advisory", "Nothing here"]), content_type="application/rss+xml"
    )
    watch_the_loop(env, httpserver.url_for("/rss.xml"))
    lib = Library.open(archive=str(archive))
    try:
        lib.index()
        app = VeilleApp(lib, offline=True)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            rung = count_bells(app)
            command = [sys.executable, "-m", "veille_tui", "--archive", str(archive), "fetch", "--watch"]
            done = await asyncio.to_thread(
                subprocess.run, command, capture_output=True, text=True, env=dict(os.environ), timeout=120
            )
            assert done.returncode == 3, done.stderr
            for _ in range(50):
                await pilot.pause(0.1)
                if rung:
                    break
            await settle(pilot)
            assert len(rung) == 1
            assert watch_notices(app) == [("Watch: 1 new match", "• Fortinet FortiGate advisory [fortinet]")]
    finally:
        lib.close()


def cron_items(numbers: range) -> list[Item]:
    return [
        Item(
            guid=f"cron-{n}",
            link=f"https://cert.example.org/avis/cron-{n}",
            title=f"Avis {n} : Fortinet FortiGate",
            date="2026-08-26T08:00:00+00:00",
            ts=1787731200 + n,
            summary="Une vulnérabilité.",
        )
        for n in numbers
    ]


def cron_fetch(archive: Path, items: list[Item]) -> None:
    """A write batch of `veille-tui fetch` from cron: another connection, the CERT feed's items."""
    other = Library.open(archive=str(archive))
    try:
        store = other.store
        feed = next(f for f in store.feed_states() if f.url == "https://cert.example.org/rss")
        store_fetch(store, feed.id, status="ok", items=items)
    finally:
        other.close()


async def test_every_match_of_another_process_s_fetch_is_counted_and_named_once(
    make_app, lib, archive, monkeypatch
) -> None:
    # the other process's two batches come within the settle time, however slow the machine is:
    # the timer is armed for an hour, and fired by the test once the fourth match is pending
    monkeypatch.setattr("veille_tui.tui.screens.parts.background.ALERT_SETTLE", 3600)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        rung = count_bells(app)
        screen = app.screen
        background = screen.background
        cron_fetch(archive, cron_items(range(1, 4)))  # the fetch's first batch: three matches
        for _ in range(600):  # the poll has read them
            await pilot.pause(0.02)
            if background.watch_alerts.pending:
                break
        assert len(background.watch_alerts.pending) == 3 and not rung
        cron_fetch(archive, cron_items(range(4, 5)))  # its second batch, a moment later: a fourth
        for _ in range(600):
            await pilot.pause(0.02)
            if len(background.watch_alerts.pending) == 4:
                break
        assert len(background.watch_alerts.pending) == 4 and not rung
        assert background._settle_timer is not None  # armed, waiting for the fetch to settle
        background._settle_timer.stop()
        background._ring()  # what the timer does when it rings
        await settle(pilot)
        assert len(rung) == 1
        (notice,) = watch_notices(app)
        assert notice[0] == "Watch: 4 new matches"
        assert all(f"Avis {n} : Fortinet FortiGate [fortinet]" in notice[1] for n in range(1, 5))


async def test_matches_of_fetches_made_while_the_tui_was_closed_are_told_at_start(make_app, lib, archive) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert watch_notices(app) == []
    cron_fetch(archive, cron_items(range(1, 3)))  # while the TUI is closed
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        (notice,) = watch_notices(app)
        assert notice[0] == "Watch: 2 new matches since you last looked"
        assert "Avis 1 : Fortinet FortiGate" in notice[1] and "Avis 2 : Fortinet FortiGate" in notice[1]
    app = make_app()  # told once
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert watch_notices(app) == []

"""`f` driven by the pilot: the article's page fetched from a real local server, its full text
shown (marked "full text" in the header), `f` again the feed's summary; a 403 recorded and shown,
the summary kept; found by `/`; offline afterwards it reads from the store and fetches nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from veille_tui.core.library import Library
from veille_tui.core.models import Item

from .helpers import fetched, main, settle

pytest.importorskip("pytest_httpserver")

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
SIZE = (160, 48)


def shown(article) -> str:
    """What the article pane shows, its wrapped lines joined (one space for each break)."""
    return " ".join(line.strip() for line in article.text.splitlines() if line.strip())


def add_items(lib: Library, links: list[str]) -> None:
    """Items newer than the fixtures', in this order from the top of the list."""
    items = [
        Item(
            guid=f"ft{n}",
            link=link,
            title=f"Served article {n}",
            date=f"2026-08-2{8 - n}T10:00:00+00:00",
            ts=1787911200 - n * 86400,
            summary=f"Two-line feed summary number {n}.",
        )
        for n, link in enumerate(links)
    ]
    fetched(lib, "Fixture CERT", items)


async def test_f_fetches_shows_and_toggles_the_full_text_then_reads_offline(make_app, lib, httpserver) -> None:
    httpserver.expect_request("/news/router").respond_with_data(
        (PAGES / "nav-cookie.html").read_bytes(), content_type="text/html; charset=utf-8"
    )
    add_items(lib, [httpserver.url_for("/news/router")])
    app = make_app(offline=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=3)
        screen = main(app)
        article = screen.article
        entry_id = screen.entries.current_id
        assert article.entry_id == entry_id and "Two-line feed summary number 0" in shown(article)
        assert "full text" not in shown(article)
        await pilot.press("f")
        await settle(pilot, rounds=3)
        text = shown(article)
        assert "full text ·" in text and "(f: the feed's summary)" in text
        assert "48,000 devices" in text and "What administrators should do" in text
        assert "Two-line feed summary" not in text
        assert "cookies to personalise" not in text and "Most read" not in text  # banner, sidebar left out
        stored = lib.full_text(entry_id)
        assert stored is not None and stored.ok and "CVE-2026-31337" in stored.markdown
        await pilot.press("f")  # back to the feed's summary
        assert "Two-line feed summary number 0" in shown(article) and "48,000 devices" not in shown(article)
        assert "full text stored (f shows it)" in shown(article)
        # a word of the page only: `/` finds the entry
        await pilot.press("slash", *"administrators", "enter")
        await settle(pilot, rounds=3)
        assert screen.entries.ids == [entry_id]
    requests = len(httpserver.log)
    assert requests == 1
    httpserver.clear()  # nothing is served any more: offline must not ask

    offline = make_app(offline=True)
    async with offline.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=3)
        screen = main(offline)
        assert screen.entries.current_id == entry_id
        await pilot.press("f")
        await settle(pilot, rounds=3)
        assert "full text ·" in shown(screen.article) and "48,000 devices" in shown(screen.article)
        await pilot.press("slash", *"firmware administrators", "enter")
        await settle(pilot, rounds=3)
        assert screen.entries.ids == [entry_id]
    assert len(httpserver.log) == 0


async def test_f_on_a_page_that_fails_records_it_and_keeps_the_summary(make_app, lib, httpserver) -> None:
    httpserver.expect_request("/paywalled").respond_with_data("no", status=403)
    add_items(lib, [httpserver.url_for("/paywalled")])
    app = make_app(offline=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=3)
        screen = main(app)
        entry_id = screen.entries.current_id
        await pilot.press("f")
        await settle(pilot, rounds=3)
        text = shown(screen.article)
        assert "full text: HTTP 403 Forbidden (the feed's summary is shown)" in text
        assert "Two-line feed summary number 0" in text
        messages = [str(n.message) for n in app._notifications]
        assert any("Full text:" in m and "HTTP 403" in m and "/paywalled" in m for m in messages), messages
        stored = lib.full_text(entry_id)
        assert stored is not None and not stored.ok and stored.error == "HTTP 403 Forbidden"
        assert screen.query_one("#status").render() is not None
        assert "fetching the full text" not in str(screen.query_one("#status").render())


async def test_f_offline_without_a_stored_text_says_so_and_fetches_nothing(make_app, lib, httpserver) -> None:
    add_items(lib, [httpserver.url_for("/never")])
    app = make_app(offline=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=3)
        await pilot.press("f")
        await settle(pilot, rounds=3)
        messages = [str(n.message) for n in app._notifications]
        assert any("Offline" in m and "no full text stored" in m for m in messages), messages
        assert "Two-line feed summary number 0" in shown(main(app).article)
    assert len(httpserver.log) == 0

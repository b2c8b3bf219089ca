"""The entry list's columns: room for titles at wide sizes, short dates, the CVE count apart."""

from __future__ import annotations

from veille_tui.core.models import Item
from veille_tui.core.update import store_fetch
from veille_tui.tui.widgets.entry_columns import Columns, short_date

MANY_CVES = " ".join(f"CVE-2025-{1000 + n}" for n in range(13))
LONG_TITLE = "Vendor investigating a very long list of vulnerabilities in its appliances, patches pending"


def add_old_item(lib) -> None:
    """An item of last year with 13 CVE ids and a title longer than any list column."""
    store = lib.store
    feed_id = next(feed_id for feed_id, url, *_ in store.feed_states() if "news.example.org" in url)
    store_fetch(
        store,
        feed_id,
        status="ok",
        items=[
            Item(
                guid="old",
                link="https://news.example.org/a/old",
                title=LONG_TITLE,
                date="2025-12-30T09:00:00+00:00",
                ts=1767085200,
                summary=f"Advisory: {MANY_CVES}.",
                categories=(),
            ),
        ],
    )


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.2)


def visible_rows(entry_list) -> list[str]:
    height = entry_list.scrollable_content_region.height
    return [entry_list.render_line(y).text for y in range(min(height, len(entry_list.ids)))]


def test_short_dates() -> None:
    assert short_date("2026-08-22T10:00:00+00:00", 2026) == "08-22"
    assert short_date("2025-12-30", 2026) == "2025"
    assert short_date("", 2026) == ""
    assert short_date(None, 2026) == ""


def test_columns_leave_a_space_before_the_cve_count() -> None:
    for width in (56, 79, 100, 160):
        cols = Columns.for_width(width)
        assert (
            cols.markers + 1 + cols.date + 1 + (cols.source + 1 if cols.source else 0) + cols.title + cols.cve == width
        )


async def test_at_220_columns_the_list_is_wider_than_the_article(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=(220, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        entries, article = screen.entries, screen.article
        assert entries.region.y == article.region.y  # side by side
        reading = entries.region.width + 1 + article.region.width
        assert entries.region.width > article.region.width
        assert 0.36 <= article.region.width / reading <= 0.42  # z shows the article full screen
        assert article.region.width >= 72
        cols = Columns.for_width(entries.scrollable_content_region.width)
        assert cols.title >= 75 and cols.date == 5
        first = visible_rows(entries)[0]
        assert first.startswith("●   08-25 fixturecert  Vulnérabilité dans Fortinet FortiOS ")


async def test_an_old_entry_shows_its_year_and_a_two_digit_cve_count_stands_apart(make_app, lib) -> None:
    add_old_item(lib)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("slash", *"investigating", "enter")
        await settle(pilot)
        assert len(screen.entries.ids) == 1
        screen.article.focus()  # the row without the cursor, styled in segments
        await pilot.pause()
        row = visible_rows(screen.entries)[0]
        assert row.startswith("●   2025  fixturenews  Vendor investigating")
        assert row.rstrip().endswith("…   13 CVE")  # a space, the KEV cell (blank), the count
        assert LONG_TITLE not in row  # cut, with the ellipsis, a space before the count
        screen.entries.focus()
        await pilot.pause()
        assert (
            visible_rows(screen.entries)[0].rstrip().endswith("…   13 CVE")
        )  # a space, the KEV cell (blank), the count


async def test_at_80x24_titles_gain_the_date_cells(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = visible_rows(app.screen.entries)
        assert rows[3].startswith("  ◆ 08-19 bleepingcomp Initial access brokers shift focus to unpatched")
        assert all(len(row) == len(rows[0]) for row in rows if "日本" not in row)


async def test_at_160x48_titles_take_the_free_width(make_app, lib) -> None:
    """Issue 11, bug 9: titles were cut at about 42 cells while the article took 60; a row
    without CVE ids gives its CVE cells to its title."""
    add_old_item(lib)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        cols = Columns.for_width(screen.entries.scrollable_content_region.width)
        await pilot.press("slash", *"investigating", "enter")
        await settle(pilot)
        with_cves = visible_rows(screen.entries)[0]
        title = with_cves[3 + 1 + 6 + cols.source + 1 :]
        assert len(title.split(" 13 CVE")[0].rstrip()) >= 45
        lib.store.db.execute("UPDATE entries SET cves = '' WHERE id = ?", (screen.entries.ids[0],))
        screen.entries.forget_rows()
        row = visible_rows(screen.entries)[0]
        assert LONG_TITLE[: cols.title + cols.cve - 1] in row  # the CVE cells went to the title

"""The CVE view (`c`), the article header's CVE lines and the list's KEV mark, driven by pilot on
the sample archive with our KEV and EPSS fixtures (tests/data/intel) loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers import present

from veille_tui.core.update import store_fetch
from veille_tui.tui.screens.cves import CveScreen
from veille_tui.tui.screens.main import MainScreen
from veille_tui.tui.widgets.cve_table import CveTable

from .helpers import main, settle

DATA = Path(__file__).resolve().parents[1] / "data" / "intel"
SIZE = (160, 48)


@pytest.fixture
def intel_lib(lib):
    lib.import_intel(DATA / "kev.json")
    lib.import_intel(DATA / "epss.csv")
    return lib


def table_rows(table: CveTable) -> list[str]:
    return [table.render_line(y).text for y in range(min(len(table.rows), table.scrollable_content_region.height))]


async def open_cves(pilot) -> CveScreen:
    await pilot.press("c")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CveScreen)
    return screen


async def open_entry(pilot, home: MainScreen, entry_id: int) -> None:
    """The entry under the list's cursor, opened (`enter`)."""
    home.entries.cursor = present(home.entries.index_of(entry_id))
    await pilot.press("enter")
    await settle(pilot)


async def test_c_lists_the_cves_of_the_view_by_trend_and_enter_lists_their_entries(make_app, intel_lib) -> None:
    lib = intel_lib
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = main(app)
        screen = await open_cves(pilot)
        table = screen.table
        expected = [c.cve for c in lib.cves()]
        assert [r.cve for r in table.rows] == expected
        assert len(expected) == 11  # the sample archive's 7, the fixture items' 4
        assert app.focused is table
        shown = table_rows(table)
        fortios = next(line for line in shown if "CVE-2026-41001" in line)
        assert "KEV R" in fortios and "0.971" in fortios and "2026-06-25" in fortios
        title = str(screen.query_one("#cves-title").render())
        assert "CVEs of All entries: 11, 3 in KEV · by trend" in title
        # the highlighted CVE in full
        table.cursor = [r.cve for r in table.rows].index("CVE-2026-41001")
        await pilot.pause()
        detail = str(screen.query_one("#cves-detail").render())
        assert "KEV: added 2026-06-25, due 2026-07-16, known ransomware use" in detail
        assert "Fortinet FortiOS" in detail and "EPSS 0.971" in detail
        assert "https://nvd.nist.gov/vuln/detail/CVE-2026-41001" in detail
        # enter: the entries naming it
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is home
        assert home.state.query_text == "cve:CVE-2026-41001"
        assert home.entries.ids == lib.entry_ids("cve:CVE-2026-41001") and len(home.entries.ids) == 3
        # backspace: back to the CVE view as it was, over the view it was opened from
        await pilot.press("backspace")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, CveScreen)
        assert again.table.current is not None and again.table.current.cve == "CVE-2026-41001"
        assert home.state.query_text == ""
        # escape from the entries works the same
        await pilot.press("enter")
        await settle(pilot)
        assert home.state.query_text == "cve:CVE-2026-41001"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CveScreen)
        # escape in the CVE view: back to the list
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is home and home.state.query_text == "" and app.focused is home.entries


async def test_typing_filters_tab_orders_backspace_erases_then_goes_back(make_app, intel_lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_cves(pilot)
        table = screen.table
        await pilot.press(*"4100")
        assert {r.cve for r in table.rows} == {"CVE-2026-41001", "CVE-2026-41002", "CVE-2026-41003"}
        assert "filter: 4100" in str(screen.query_one("#cves-filter").render())
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        assert len(table.rows) == 11
        await pilot.press(*"ivanti")  # a KEV vendor
        assert [r.cve for r in table.rows] == ["CVE-2026-41117"]
        await pilot.press("ctrl+u", *"zzz")
        assert table.rows == [] and "No CVE id matches 'zzz'" in table.render_line(0).text
        await pilot.press("ctrl+u", "tab", "tab", "tab")  # trend -> count -> recent -> epss
        assert "by EPSS" in str(screen.query_one("#cves-title").render())
        assert [r.cve for r in table.rows][:2] == ["CVE-2026-41001", "CVE-2026-40876"]
        await pilot.press("tab")
        assert "by trend" in str(screen.query_one("#cves-title").render())
        await pilot.press("backspace")  # nothing typed: back
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_from_an_article_c_starts_on_its_cves(make_app, intel_lib) -> None:
    lib = intel_lib
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = main(app)
        fortinet = lib.entry_ids("+certfr cve:CVE-2026-41002")[0]
        await open_entry(pilot, home, fortinet)
        await pilot.press("tab")  # into the article
        assert app.focused is home.article
        screen = await open_cves(pilot)
        assert {r.cve for r in screen.table.rows} == {"CVE-2026-41001", "CVE-2026-41002", "CVE-2026-41003"}
        assert "the CVE ids of this article" in str(screen.query_one("#cves-filter").render())
        await pilot.press(*"2026-4")  # typing searches them all
        assert len(screen.table.rows) > 3
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is home.article  # where `c` was pressed
        # the article full screen: the same, and it stays full screen
        await pilot.press("z")
        await settle(pilot)
        screen = await open_cves(pilot)
        assert len(screen.table.rows) == 3
        await pilot.press("escape")
        await settle(pilot)
        assert home.zoomed and app.focused is home.article


async def test_the_view_of_a_query_and_coming_back_is_instant(make_app, intel_lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = main(app)
        await pilot.press("slash", *"+certfr", "enter")
        await settle(pilot)
        screen = await open_cves(pilot)
        assert {r.cve for r in screen.table.rows} == {
            "CVE-2026-41001",
            "CVE-2026-41002",
            "CVE-2026-41003",
            "CVE-2026-41117",
        }
        assert "CVEs of certfr: 4, 2 in KEV" in str(screen.query_one("#cves-title").render())
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()  # no worker: the rows were kept for this view and this store
        assert len(app.screen.table.rows) == 4
        assert "cves_painted" in home.timings and "cves_loaded" in home.timings


async def test_the_article_header_lists_each_cve_with_kev_epss_and_nvd(make_app, intel_lib) -> None:
    lib = intel_lib
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = main(app)
        roundup = lib.entry_ids("+certfr cve:CVE-2026-41002")[0]
        await open_entry(pilot, home, roundup)
        header = str(home.article.header(present(home.article.entry))).splitlines()
        at = header.index("CVE-2026-41001  EPSS 0.971 (99th percentile)")
        assert header[at + 1 : at + 3] == [
            "  KEV: added 2026-06-25, due 2026-07-16, known ransomware use",
            "  https://nvd.nist.gov/vuln/detail/CVE-2026-41001",
        ]
        at = header.index("CVE-2026-41003  EPSS 0.000 (10th percentile)")
        assert header[at + 1] == "  https://nvd.nist.gov/vuln/detail/CVE-2026-41003"
        text = home.article.text  # as painted: the URL whole on its line
        assert "   https://nvd.nist.gov/vuln/detail/CVE-2026-41001\n" in text
        # an item naming CVEs without intel: the ids and their NVD pages
        item = lib.entry_ids("cve:CVE-2026-4444")[0]
        await open_entry(pilot, home, item)
        header = str(home.article.header(present(home.article.entry))).splitlines()
        at = header.index("CVE-2026-4444")
        assert header[at + 1] == "  https://nvd.nist.gov/vuln/detail/CVE-2026-4444"


async def test_the_list_marks_the_cve_count_of_entries_naming_a_kev_cve(make_app, intel_lib) -> None:
    lib = intel_lib
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = main(app)
        entries = home.entries
        height = entries.scrollable_content_region.height
        lines = {entries.ids[n]: entries.render_line(n).text for n in range(min(height, len(entries.ids)))}
        kev = set(lib.entry_ids("+kev"))
        marked = {entry_id for entry_id, line in lines.items() if "CVE" in line and "!" in line[-8:]}
        assert marked == kev & set(lines)
        assert marked  # some are on screen


async def test_a_roundup_shows_its_first_cves_in_full_and_the_others_on_one_line(make_app, intel_lib) -> None:
    from veille_tui.core.models import Feed, Item

    lib = intel_lib
    store = lib.store
    store.sync_feeds([*lib.settings.feeds, Feed("https://roundup.example.org/rss", "Roundup")])
    feed_id = next(s.id for s in store.feed_states() if s.url == "https://roundup.example.org/rss")
    ids = [f"CVE-2026-{n}" for n in range(50001, 50011)] + ["CVE-2026-41117"]
    body = "Patch day: " + ", ".join(ids)
    store_fetch(
        store,
        feed_id,
        status="ok",
        items=[Item("r1", "https://roundup.example.org/1", "Patch day", "2026-08-30T09:00:00+00:00", 1788080400, body)],
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = main(app)
        await open_entry(pilot, home, lib.entry_ids("Patch")[0])
        header = str(home.article.header(present(home.article.entry))).splitlines()
        assert "  https://nvd.nist.gov/vuln/detail/CVE-2026-50008" in header
        assert "  https://nvd.nist.gov/vuln/detail/CVE-2026-50009" not in header
        assert "3 more (1 in KEV) (c: the CVE view): CVE-2026-50009 CVE-2026-50010 CVE-2026-41117" in header


async def test_without_a_kev_catalogue_the_cve_view_says_it_is_not_loaded(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_cves(pilot)
        assert screen.table.rows
        screen.table.cursor = 0
        await pilot.pause()
        detail = str(screen.query_one("#cves-detail").render())
        assert "KEV catalogue not loaded" in detail and "intel update" in detail
        assert "not in the KEV catalogue" not in detail
        await pilot.press("escape")
        await settle(pilot)
    lib.import_intel(DATA / "kev.json")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_cves(pilot)
        table = screen.table
        table.cursor = next(n for n, r in enumerate(table.rows) if r.kev is None)
        await pilot.pause()
        assert "not in the KEV catalogue (as loaded)" in str(screen.query_one("#cves-detail").render())


ASSETS = """
[[assets]]
vendor = "Fortinet"
product = "FortiOS"

[[assets]]
vendor = "Ivanti"
product = "Endpoint Manager Mobile"
aliases = ["EPMM"]

[[assets]]
vendor = "Example"
product = "Webinar"
"""


async def test_the_cve_view_says_which_assets_a_cve_affects(env, archive) -> None:
    from veille_tui.core.library import Library
    from veille_tui.tui.app import VeilleApp

    from .conftest import CONFIG, fill_items

    (env / "config" / "config.toml").write_text(CONFIG + ASSETS, encoding="utf-8")
    lib = Library.open(archive=str(archive))
    try:
        lib.index()
        fill_items(lib)
        lib.import_intel(DATA / "kev.json")
        affects = lib.cve_affects()
        assert affects["CVE-2026-41001"] == ["FortiOS"]  # its KEV record: Fortinet FortiOS
        assert affects["CVE-2026-41117"] == ["Endpoint Manager Mobile"]  # KEV: Ivanti EPMM
        assert affects["CVE-2026-2222"] == ["Webinar"]  # not in KEV: an entry naming it names the asset
        assert "CVE-2026-40876" not in affects  # KEV: Lumio, no asset of ours
        app = VeilleApp(lib, offline=True)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = await open_cves(pilot)
            table = screen.table

            async def detail_of(cve: str) -> str:
                table.cursor = [r.cve for r in table.rows].index(cve)
                await pilot.pause()
                return str(screen.query_one("#cves-detail").render())

            assert "affects: FortiOS" in await detail_of("CVE-2026-41001")
            assert "affects: Endpoint Manager Mobile" in await detail_of("CVE-2026-41117")
            assert "affects: Webinar" in await detail_of("CVE-2026-2222")
            assert "affects:" not in await detail_of("CVE-2026-40876")
            # coming back: the rows and what they affect were kept
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("c")
            await pilot.pause()
            shown = app.screen
            assert isinstance(shown, CveScreen)
            screen = shown
            table = screen.table
            assert "affects: FortiOS" in await detail_of("CVE-2026-41001")
    finally:
        lib.close()


async def test_without_assets_the_cve_view_says_nothing_of_them(make_app, intel_lib) -> None:
    assert intel_lib.cve_affects() == {}
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_cves(pilot)
        screen.table.cursor = [r.cve for r in screen.table.rows].index("CVE-2026-41001")
        await pilot.pause()
        assert "affects:" not in str(screen.query_one("#cves-detail").render())

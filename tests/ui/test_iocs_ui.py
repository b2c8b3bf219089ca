"""The IOC view (`I`), its copies (`y` defanged, `Y` the live form after saying so) and the
palette's export of the list, driven by pilot over two fixture items of our own that write their
indicators defanged."""

from __future__ import annotations

import json

import pytest
from textual.widgets import DataTable, Input

from veille_tui.core.models import Item
from veille_tui.tui.screens.dialogs import NameScreen
from veille_tui.tui.screens.iocs import LIVE, IocScreen

from .helpers import fetched, main, settle, top

SIZE = (160, 48)
HASH = "9f2c4c1e0a7b3d5e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6"

ITEMS = [
    Item(
        guid="ioc-1",
        link="https://cert.example.org/ioc/1",
        title="Loader campaign beacons to evil-c2[.]com",
        date="2026-08-20T09:00:00+00:00",
        ts=1787216400,
        summary=(
            f"The loader beacons to hxxps://evil-c2[.]com/gate every minute, from 45.77.12[.]9. Sample SHA-256: {HASH}."
        ),
        categories=(),
    ),
    Item(
        guid="ioc-2",
        link="https://cert.example.org/ioc/2",
        title="Second wave: evil-c2[.]com again",
        date="2026-08-22T09:00:00+00:00",
        ts=1787389200,
        summary="New infrastructure at 91.203.5[.]14 next to the known C2 evil-c2[.]com.",
        categories=(),
    ),
]


@pytest.fixture
def ioc_lib(lib):
    fetched(lib, "Fixture CERT", ITEMS)
    return lib


def indicators(screen: IocScreen) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(table.get_row_at(n)[1]) for n in range(table.row_count)]


async def open_iocs(pilot) -> IocScreen:
    await pilot.press("I")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, IocScreen)
    return screen


async def on_row(pilot, screen: IocScreen, shown: str) -> None:
    screen.table.move_cursor(row=indicators(screen).index(shown))
    await pilot.pause()


async def test_I_lists_the_indicators_defanged_enter_lists_their_entries_backspace_comes_back(
    make_app, ioc_lib
) -> None:
    lib = ioc_lib
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = main(app)
        screen = await open_iocs(pilot)
        assert [row.value for row in screen.state.rows or []] == [row.value for row in lib.iocs()]
        shown = indicators(screen)
        for defanged in ("evil-c2[.]com", "hxxps[://]evil-c2[.]com/gate", "45.77.12[.]9", "91.203.5[.]14", HASH):
            assert defanged in shown, shown
        assert not any(value in shown for value in ("evil-c2.com", "45.77.12.9", "https://evil-c2.com/gate"))
        table = screen.query_one(DataTable)
        domain = table.get_row_at(shown.index("evil-c2[.]com"))
        assert [str(cell) for cell in domain] == ["domain", "evil-c2[.]com", "2", "2026-08-20", "2026-08-22"]
        # enter: the entries naming it
        await on_row(pilot, screen, "evil-c2[.]com")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is home
        assert home.state.query_text == "ioc:evil-c2[.]com"
        expected = lib.entry_ids("ioc:evil-c2.com")
        assert home.entries.ids == expected and len(expected) == 2
        # backspace: the IOC view again, on the same indicator, over the view it was opened from
        await pilot.press("backspace")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, IocScreen)
        assert home.state.query_text == ""
        assert indicators(again)[again.table.cursor_row] == "evil-c2[.]com"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is home and home.state.query_text == ""


async def test_y_copies_the_defanged_form_and_Y_the_live_one_after_saying_so(make_app, ioc_lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_iocs(pilot)
        await on_row(pilot, screen, "hxxps[://]evil-c2[.]com/gate")
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == "hxxps[://]evil-c2[.]com/gate"
        told = [n.message for n in app._notifications][-1]
        assert told == "Sent to the terminal (OSC 52): hxxps[://]evil-c2[.]com/gate"
        await pilot.press("Y")
        await pilot.pause()
        assert app.clipboard == "https://evil-c2.com/gate"
        told = [n.message for n in app._notifications][-1]
        assert told.startswith(LIVE) and "refanged" in told and told.endswith("https://evil-c2.com/gate")
        assert app.screen is screen


async def test_the_palette_exports_the_list_as_a_stix_bundle(make_app, ioc_lib, tmp_path) -> None:
    from textual.command import CommandPalette as Palette

    lib = ioc_lib
    target = tmp_path / "week.json"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = main(app)
        await pilot.press("slash", *"has:ioc", "enter")
        await settle(pilot)
        assert home.state.query_text == "has:ioc"
        expected = lib.entry_ids("has:ioc")
        assert len(expected) >= 2
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, Palette)
        await pilot.press(*"Export the list")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        asked = app.screen
        assert isinstance(asked, NameScreen) and asked.query_one(Input).value == "stix"
        await pilot.press("enter")
        await settle(pilot)
        where = app.screen
        assert isinstance(where, NameScreen)
        where.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert top(app) is home
        bundle = json.loads(target.read_text(encoding="utf-8"))
        assert bundle["type"] == "bundle"
        reports = [o for o in bundle["objects"] if o["type"] == "report"]
        assert len(reports) == len(expected)
        assert {"Loader campaign beacons to evil-c2[.]com", "Second wave: evil-c2[.]com again"} <= {
            r["name"] for r in reports
        }
        told = [n.message for n in app._notifications][-1]
        assert told == f"{len(expected)} entries exported as a STIX 2.1 bundle (a file) to {target}"


async def test_I_from_the_full_screen_article_opens_the_view_of_the_list(make_app, ioc_lib) -> None:
    from veille_tui.tui.screens.reading import ReadingScreen

    app = make_app()
    async with app.run_test(size=(90, 40)) as pilot:  # below 100 columns: enter reads full screen
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReadingScreen)
        screen = await open_iocs(pilot)
        assert "evil-c2[.]com" in indicators(screen)


async def test_an_export_that_cannot_be_written_says_why(make_app, ioc_lib, tmp_path) -> None:
    target = tmp_path / "missing" / "week.json"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main(app).exporting.start()
        await settle(pilot)
        await pilot.press("enter")  # stix
        await settle(pilot)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert not target.exists()
        told = [n.message for n in app._notifications][-1]
        assert told.startswith(f"Export to {target} failed:")

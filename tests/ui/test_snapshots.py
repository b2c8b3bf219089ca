"""A few snapshots (pytest-textual-snapshot): the main screen at 80x24 and 160x48, the dialogs,
and the main screen in each shipped theme at 80x24. Update with `pytest --snapshot-update`."""

from __future__ import annotations

import pytest

from veille_tui.tui.themes import discover_themes

SHIPPED_THEMES = sorted(discover_themes(None)[0])


async def settled(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_80x24(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=settled)


def test_main_160x48(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(160, 48), run_before=settled)


def test_main_120x36_after_a_tag_and_enter(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        await settled(pilot)
        await pilot.press("t", *"certfr", "enter", "enter")
        await settled(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=run_before)


def test_query_line_80x24(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        await settled(pilot)
        await pilot.press("slash", *"+certfr cve")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_sidebar_drawer_80x24(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        await settled(pilot)
        await pilot.press("shift+tab")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_help_160x48(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        await settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(160, 48), run_before=run_before)


@pytest.mark.parametrize("theme", SHIPPED_THEMES)
def test_theme_80x24(snap_compare, make_app, theme) -> None:
    assert snap_compare(make_app(theme=theme), terminal_size=(80, 24), run_before=settled)
